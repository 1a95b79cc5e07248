import Testing
@testable import EddyCloudWatch

@Suite struct MetricMathTests {
    /// Two series over four minutes from 1,000,020 s (period starts 1,000,020, …080, …140, …200).
    static let t0: Int64 = 1_000_020
    static func series(_ values: [Double?], label: String) -> TimeSeries {
        var s = TimeSeries(label: label, period: 60)
        for (i, v) in values.enumerated() { if let v { s.points[t0 + Int64(i) * 60] = v } }
        return s
    }

    static var environment: MathEnvironment { MathEnvironment(
        values: ["m1": .series(series([1, 2, 3, 4], label: "A")), "m2": .series(series([10, nil, 30, 40], label: "B")),
                 "errors_a": .series(series([1, 1, 1, 1], label: "Ea"))],
        metricIds: ["m1", "m2", "errors_a"], start: t0, end: t0 + 240, period: 60,
        search: { _, _, _ in [] }) }

    func values(_ expression: String) throws -> [Double] {
        guard case .series(let s) = try MathParser.evaluate(expression, in: Self.environment) else {
            Issue.record("\(expression) gave no series")
            return []
        }
        return s.sorted.map(\.value)
    }

    func scalar(_ expression: String) throws -> Double? {
        if case .scalar(let x) = try MathParser.evaluate(expression, in: Self.environment) { return x }
        return nil
    }

    @Test func arithmeticReadsWithPrecedenceAndMeetsOnCommonTimestamps() throws {
        #expect(try scalar("1 + 2 * 3 ^ 2") == 19)
        #expect(try scalar("-2 ^ 2") == -4)
        #expect(try scalar("2 ^ 3 ^ 2") == 512)
        #expect(try scalar("(1 + 2) * 3 - 4 / 2") == 7)
        #expect(try values("m1 + m2") == [11, 33, 44])
        #expect(try values("m1 * 2 - 1") == [1, 3, 5, 7])
        #expect(try values("m1 / 0").allSatisfy(\.isNaN))
    }

    @Test func comparisonsAndLogicGiveOnesAndZeros() throws {
        #expect(try values("m1 > 2") == [0, 0, 1, 1])
        #expect(try values("m1 >= 2 AND m1 != 4") == [0, 1, 1, 0])
        #expect(try values("m1 < 2 || m1 == 4") == [1, 0, 0, 1])
        #expect(try values("NOT (m1 > 2)") == [1, 1, 0, 0])
    }

    @Test func statisticsOfOneSeriesAreScalarsAndOfAnArraySeries() throws {
        #expect(try scalar("AVG(m1)") == 2.5)
        #expect(try scalar("SUM(m1)") == 10)
        #expect(try scalar("MAX(m2)") == 40)
        #expect(try scalar("DATAPOINT_COUNT(m2)") == 3)
        #expect(try scalar("STDDEV(m1)") == (1.25).squareRoot())
        #expect(try values("m1 - AVG(m1)") == [-1.5, -0.5, 0.5, 1.5])
        #expect(try values("SUM(METRICS())") == [12, 3, 34, 45])
        #expect(try values("MAX([m1, m2])") == [10, 2, 30, 40])
        #expect(try values("SUM(METRICS(\"errors\"))") == [1, 1, 1, 1])
        #expect(try scalar("METRIC_COUNT(METRICS())") == 3)
    }

    @Test func seriesFunctions() throws {
        #expect(try values("RUNNING_SUM(m1)") == [1, 3, 6, 10])
        #expect(try values("DIFF(m2)") == [20, 10])
        #expect(try values("DIFF_TIME(m2)") == [120, 60])
        #expect(try values("RATE(m1)") == [1.0 / 60, 1.0 / 60, 1.0 / 60])
        #expect(try values("ABS(m1 - 3)") == [2, 1, 0, 1])
        #expect(try values("CEIL(m1 / 3)") == [1, 1, 1, 2])
        #expect(try values("FLOOR(m1 / 3)") == [0, 0, 1, 1])
        #expect(try values("LOG10(m2)").map { ($0 * 1000).rounded() } == [1000, 1477, 1602])
        #expect(try scalar("PERIOD(m1)") == 60)
        #expect(try values("TIME_SERIES(7)") == [7, 7, 7, 7])
        #expect(try values("MINUTE(m1)") == [47, 48, 49, 50])
        #expect(try values("HOUR(m1)") == [13, 13, 13, 13])
        #expect(try values("DATE(m1)") == [12, 12, 12, 12])
        #expect(try values("YEAR(m1)") == [1970, 1970, 1970, 1970])
        #expect(try values("DAY(m1)") == [1, 1, 1, 1])  // 1970-01-12 was a Monday
    }

    @Test func fillAndIf() throws {
        #expect(try values("FILL(m2, 0)") == [10, 0, 30, 40])
        #expect(try values("FILL(m2, REPEAT)") == [10, 10, 30, 40])
        #expect(try values("FILL(m2, LINEAR)") == [10, 20, 30, 40])
        #expect(try values("FILL(m2, m1)") == [10, 2, 30, 40])
        #expect(try values("IF(m1 > 2, 100, 0)") == [0, 0, 100, 100])
        #expect(try values("IF(m1 > 2, m1)") == [3, 4])
        #expect(try values("IF(m1 > 1, m2, -1)") == [-1, 30, 40])
    }

    @Test func arraysSortSliceAndKeepTheirLabels() throws {
        guard case .array(let sorted) = try MathParser.evaluate("SORT(METRICS(), SUM, DESC)", in: Self.environment) else {
            Issue.record("SORT gave no array")
            return
        }
        #expect(sorted.map(\.label) == ["B", "A", "Ea"])
        guard case .array(let sliced) = try MathParser.evaluate("SLICE(SORT(METRICS(), MAX, ASC), 0, 2)", in: Self.environment) else {
            Issue.record("SLICE gave no array")
            return
        }
        #expect(sliced.map(\.label) == ["Ea", "A"])
        guard case .array(let filled) = try MathParser.evaluate("FILL(METRICS(), 0) * 2", in: Self.environment) else {
            Issue.record("an array times a number gave no array")
            return
        }
        #expect(filled.map(\.label) == ["A", "B", "Ea"] && filled[1].sorted.map(\.value) == [20, 0, 60, 80])
    }

    @Test func hostileOrWrongExpressionsFailWithAReason() {
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        for bad in ["m1 +", "m3 + 1", "FOO(m1)", "ANOMALY_DETECTION_BAND(m1)", "AVG(m1, m2)", "METRICS() + METRICS()",
                    "FILL(m1, 'x')", "m1 )", "'unterminated", deep, String(repeating: "-", count: 5000) + "1",
                    "SLICE(m1, 0, 1)", "1e999"] {
            #expect(throws: MathFailure.self, "\(bad.prefix(40))") { try MathParser.evaluate(bad, in: Self.environment) }
        }
    }

    @Test func referencesAreTheIdsNotCalledAsFunctions() {
        #expect(MathParser.references(in: "SUM(METRICS('m9')) + e1 * m2 - ABS (m3)") == ["e1", "m2", "m3"])
    }
}

@Suite struct MetricSearchTests {
    static let kinesis = MetricSearch.Candidate(namespace: "AWS/Kinesis", name: "IncomingRecords", dimensions: [("StreamName", "orders")])
    static let custom = MetricSearch.Candidate(namespace: "Shop", name: "Errors", dimensions: [("Store", "a"), ("Region", "eu")])

    @Test func schemasExactAndPartialTerms() throws {
        let schema = try MetricSearch.parse("{AWS/Kinesis,StreamName} MetricName=\"IncomingRecords\"")
        #expect(schema.matches(Self.kinesis) && !schema.matches(Self.custom))
        let partial = try MetricSearch.parse("errors OR throttles")
        #expect(partial.matches(Self.custom) && !partial.matches(Self.kinesis))
        let negated = try MetricSearch.parse("{Shop, Region, Store} NOT Store=b")
        #expect(negated.matches(Self.custom))
        #expect(try !MetricSearch.parse("{Shop,Store}").matches(Self.custom))
        #expect(try MetricSearch.parse("(orders AND Incoming) OR \"Region\"=eu").matches(Self.kinesis))
    }

    @Test func brokenSearchesFail() {
        for bad in ["{Shop", "(a", "a = ", "\"open", String(repeating: "NOT ", count: 100) + "a", "a )"] {
            #expect(throws: MathFailure.self, "\(bad.prefix(30))") { try MetricSearch.parse(bad) }
        }
    }
}

@Suite struct InsightsQueryTests {
    @Test func theWholeLanguageParses() throws {
        let q = try InsightsQuery.parse("""
            select avg(IncomingRecords) FROM SCHEMA("AWS/Kinesis", StreamName) WHERE StreamName != 'canary' AND \
            (StreamName LIKE 'ord%' OR StreamName IN ('a', 'b\\'c')) GROUP BY StreamName ORDER BY SUM() DESC LIMIT 10
            """)
        #expect(q.function == .avg && q.metricName == "IncomingRecords" && q.namespace == "AWS/Kinesis")
        #expect(q.schema == ["StreamName"] && q.groupBy == ["StreamName"] && q.limit == 10)
        #expect(q.orderBy?.function == .sum && q.orderBy?.descending == true)
        let c = try #require(q.condition)
        #expect(c.holds(["StreamName": "orders"]) && c.holds(["StreamName": "b'c"]))
        #expect(!c.holds(["StreamName": "canary"]) && !c.holds(["StreamName": "x"]) && !c.holds([:]))
        let plain = try InsightsQuery.parse("SELECT COUNT(Latency) FROM MyApp")
        #expect(plain.schema == nil && plain.condition == nil && plain.orderBy == nil)
        #expect(try InsightsQuery.parse("SELECT MAX(x) FROM \"a b\" ORDER BY MAX()").orderBy?.descending == false)
    }

    @Test func likeIsSQLsWithoutBacktracking() {
        #expect(InsightsQuery.like(Array("orders-1"), Array("ord%")))
        #expect(InsightsQuery.like(Array("orders-1"), Array("%s-_")))
        #expect(!InsightsQuery.like(Array("orders"), Array("%x%")))
        #expect(InsightsQuery.like(Array(String(repeating: "a", count: 5000)), Array(String(repeating: "%a", count: 50))))
    }

    @Test func brokenQueriesNameWhatIsWrong() {
        for bad in ["SELECT", "SELECT P99(x) FROM n", "SELECT AVG(x)", "SELECT AVG(x) FROM n WHERE a = b",
                    "SELECT AVG(x) FROM n LIMIT 501", "SELECT AVG(x) FROM n LIMIT 0", "SELECT AVG(x) FROM n extra",
                    "SELECT AVG(x) FROM n WHERE " + String(repeating: "NOT ", count: 100) + "a = 'b'",
                    "SELECT AVG(x) FROM n WHERE a IN ()", "SELECT AVG(x) FROM SCHEMA(n"] {
            #expect(throws: MathFailure.self, "\(bad.prefix(40))") { try InsightsQuery.parse(bad) }
        }
        #expect(InsightsQuery.isQuery("  select AVG(x) FROM n") && !InsightsQuery.isQuery("SELECTED + 1"))
    }
}
