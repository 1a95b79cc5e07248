import ArgumentParser

@main
struct Eddy: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "eddy",
        abstract: "AWS's streaming stack, offline: Kinesis Data Streams, Firehose, S3, CloudWatch and DynamoDB on one port.",
        discussion: """
            Point any AWS client at it: aws --endpoint-url http://127.0.0.1:4566 kinesis list-streams
            Every option can also be set with an EDDY_* environment variable (shown with each option).
            """,
        version: version,
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self)
}
