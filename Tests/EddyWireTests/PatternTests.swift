import Testing
@testable import EddyWire

@Suite struct PatternTests {
    @Test(arguments: [
        ("[a-zA-Z0-9_.-]+", "my-stream_1.x", true),
        ("[a-zA-Z0-9_.-]+", "bad name", false),
        ("[a-zA-Z0-9_.-]+", "", false),
        ("0|([1-9]\\d{0,38})", "0", true),
        ("0|([1-9]\\d{0,38})", "0123", false),
        ("0|([1-9]\\d{0,38})", "340282366920938463463374607431768211455", true),
        ("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", "arn:aws:kinesis:us-east-1:000000000000:stream/s1", true),
        ("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", "arn:aws:kinesis:us-east-1:00000000000:stream/s1", false),
        ("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", "arn:aws-cn:kinesis:cn-north-1:000000000000:stream/a b", false),
        ("^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$", "Dept é 1", true),
        ("^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$", "aws:reserved", false),
        ("^(?!\\s*$).+", "   ", false),
        ("^(?!\\s*$).+", " x ", true),
        ("[\\u0001-\\uFFFF]*", "anything ✓", true),
        (".+?\\.snowflakecomputing\\.com", "acct.snowflakecomputing.com", true),
        ("((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+x", "a-b.c.x", true),
        ("((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+x", "a-.x", false),
        ("[^:*]*", "no-colon", true),
        ("[^:*]*", "has:colon", false),
        ("(ab|a)(c|bcd)", "abcd", true),
        ("a{2,3}", "aaaa", false),
    ])
    func matchesLikeJava(_ pattern: String, _ input: String, _ expected: Bool) throws {
        #expect(try Pattern(pattern).matches(input) == expected)
    }

    @Test func longInputsDoNotRecurseDeeply() throws {
        let p = try Pattern("arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")
        #expect(p.matches("arn:aws:kinesis:r:000000000000:stream/" + String(repeating: "x", count: 100_000)))
        #expect(!p.matches(String(repeating: ":", count: 3000)))
    }

    @Test func hostileInputsAnswerQuickly() throws {
        // What crashed or stalled the backtracking matcher: a group repeated per input
        // character, and patterns that backtrack exponentially.
        let jdbc = try Pattern(#"jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(redshift(-serverless)?)\.([a-zA-Z0-9\.\-]+):\d{1,5}/[a-zA-Z0-9_$-]+"#)
        let clock = ContinuousClock()
        var elapsed = clock.measure { #expect(!jdbc.matches("jdbc:redshift://" + String(repeating: "a.", count: 20_000))) }
        #expect(elapsed < .seconds(2))
        #expect(jdbc.matches("jdbc:redshift://cluster.abc123.us-east-1.redshift.amazonaws.com:5439/dev"))
        let consumer = try Pattern(#"^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+"#)
        elapsed = clock.measure { #expect(!consumer.matches("arn:aws:kinesis:" + String(repeating: ":stream/a/consumer/b", count: 580))) }
        #expect(elapsed < .seconds(2))
        let nested = try Pattern("(a*)*b")
        elapsed = clock.measure { #expect(!nested.matches(String(repeating: "a", count: 50_000))) }
        #expect(elapsed < .seconds(2))
        // A 400 kB value through a repeated group: no recursion per character.
        #expect(try Pattern("(ab)+").matches(String(repeating: "ab", count: 200_000)))
    }

    @Test func rejectsUnsupportedSyntax() {
        #expect(throws: Pattern.SyntaxError.self) { try Pattern("(?<name>x)") }
        #expect(throws: Pattern.SyntaxError.self) { try Pattern("[abc") }
        #expect(throws: Pattern.SyntaxError.self) { try Pattern("*a") }
    }

    /// Found by fuzzing: a lookahead inside nested counted repetitions was compiled once per
    /// copy into programs of its own, which the per-program bound did not count (gigabytes).
    @Test func lookaroundsInsideRepetitionsCountTowardsTheBound() {
        // The pattern itself is 1,000 instructions; its lookahead bodies would be 1,000,000.
        #expect(throws: Pattern.SyntaxError.self) { try Pattern("((?=b{1000})a){1000}") }
        #expect((try? Pattern("((?=b{10})a){10}")) != nil)
    }
}
