import Testing
import EddyWire
@testable import EddyCloudWatch

@Suite struct AlarmEvaluationTests {
    // 2026-12-02T08:00:05Z: the current 10-second period starts at 08:00:00.
    static let now: Int64 = 1_796_198_405_000
    static let current: Int64 = now / 1000 - 5

    func criteria(_ n: Int, _ m: Int, treat: AlarmEvaluation.TreatMissingData = .missing, low: Double? = nil) -> AlarmEvaluation.Criteria {
        AlarmEvaluation.Criteria(period: 10, evaluationPeriods: n, datapointsToAlarm: m, threshold: 5, comparison: .GreaterThanThreshold,
                                 treatMissingData: treat, lowSampleCount: low, statistic: ("statistic", "Sum"), unit: nil)
    }

    func points(_ values: [Double?]) -> [AlarmEvaluation.Point] {
        // values[0] is the current period, values[1] the one before, …
        values.enumerated().compactMap { i, v in v.map { AlarmEvaluation.Point(start: Self.current - Int64(i) * 10, value: $0, sampleCount: 1) } }
    }

    @Test func mOutOfN() {
        #expect(AlarmEvaluation.evaluate(criteria(3, 2), points: points([9, 1, 9]), nowMillis: Self.now)?.state == .ALARM)
        #expect(AlarmEvaluation.evaluate(criteria(3, 3), points: points([9, 1, 9]), nowMillis: Self.now)?.state == .OK)
        // Older real points count before missing ones are filled in.
        #expect(AlarmEvaluation.evaluate(criteria(2, 2), points: points([9, nil, 9]), nowMillis: Self.now)?.state == .ALARM)
    }

    @Test(arguments: [
        (AlarmEvaluation.TreatMissingData.missing, CloudWatchAPI.StateValue?.some(.INSUFFICIENT_DATA)),
        (.ignore, nil), (.breaching, .ALARM), (.notBreaching, .OK),
    ])
    func noDataAtAll(_ treat: AlarmEvaluation.TreatMissingData, _ expected: CloudWatchAPI.StateValue?) {
        #expect(AlarmEvaluation.evaluate(criteria(2, 2, treat: treat), points: [], nowMillis: Self.now)?.state == expected)
    }

    @Test func partialDataIsFilledOnlyAsNeeded() {
        // One real good point, one missing: breaching fills one → 1 of 2 breach, M = 2 → OK.
        #expect(AlarmEvaluation.evaluate(criteria(2, 2, treat: .breaching), points: points([1]), nowMillis: Self.now)?.state == .OK)
        #expect(AlarmEvaluation.evaluate(criteria(2, 1, treat: .breaching), points: points([1]), nowMillis: Self.now)?.state == .ALARM)
        // missing: only the real point decides.
        #expect(AlarmEvaluation.evaluate(criteria(2, 1), points: points([9]), nowMillis: Self.now)?.state == .ALARM)
    }

    @Test func theCurrentPeriodCountsOnceItHasData() {
        // No point yet in the current period: the range is the periods before it.
        let out = AlarmEvaluation.evaluate(criteria(1, 1), points: points([nil, 9]), nowMillis: Self.now)
        #expect(out?.state == .ALARM)
        #expect(out?.reason == "Threshold Crossed: 1 datapoint [9.0 (02/12/26 07:59:50)] was greater than the threshold (5.0).")
    }

    @Test func lowSampleCountPercentilesKeepTheState() {
        #expect(AlarmEvaluation.evaluate(criteria(1, 1, low: 1000), points: points([900]), nowMillis: Self.now) == nil)
    }

    @Test(arguments: [(5.0, "5.0"), (0.25, "0.25"), (1e7, "1.0E7"), (1.5e-4, "1.5E-4"), (-3.0, "-3.0"), (0, "0.0"), (123456.5, "123456.5")])
    func javaDoubles(_ value: Double, _ text: String) {
        #expect(AlarmEvaluation.javaDouble(value) == text)
    }
}

@Suite struct AlarmRuleTests {
    @Test func precedenceAndNames() throws {
        let rule = try AlarmRule.parse(#"ALARM(a) OR NOT OK("arn:aws:cloudwatch:us-east-1:1:alarm:b c") AND TRUE"#)
        #expect(rule == .or(.state(.ALARM, "a"), .and(.not(.state(.OK, "arn:aws:cloudwatch:us-east-1:1:alarm:b c")), .constant(true))))
        #expect(rule.alarms == ["a", "arn:aws:cloudwatch:us-east-1:1:alarm:b c"])
        let states: [String: CloudWatchAPI.StateValue] = ["a": .OK, "arn:aws:cloudwatch:us-east-1:1:alarm:b c": .ALARM]
        #expect(rule.evaluate { states[$0] })
    }

    @Test(arguments: ["", "ALARM(a) AND", "ALARM()", "ALARM(a", "FOO(a)", "ALARM(a) XOR ALARM(b)", "ALARMING(a)",
                      String(repeating: "(", count: 100) + "TRUE" + String(repeating: ")", count: 100),
                      String(repeating: "NOT ", count: 100) + "TRUE"])
    func refused(_ text: String) {
        #expect(throws: AlarmRule.ParseError.self) { try AlarmRule.parse(text) }
    }
}
