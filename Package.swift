// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "eddy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "eddy", targets: ["eddy"]),
        .executable(name: "eddy-fuzz", targets: ["eddy-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // System C libraries, linked from the machine (see README: libssl-dev, zlib1g-dev, libsqlite3-dev).
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto"),
        .systemLibrary(name: "CSQLite3", path: "Sources/CSQLite3", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib"),

        // CRC-64/NVME by carry-less multiplication (S3's default checksum of every upload).
        .target(name: "CChecksums"),

        // Pure, I/O-free wire layer: JSON, CBOR, awsQuery, XML, AWS errors, the typed shapes' decoder and
        // encoders, and the one operation pipeline of the JSON-family services.
        .target(name: "EddyWire", dependencies: ["CCrypto", "CZlib"]),
        // Durable storage: segmented CRC-checked shard logs and the SQLite catalog.
        .target(name: "EddyStorage", dependencies: ["CZlib", "CSQLite3"]),
        // Kinesis Data Streams: one action per operation on top of the wire layer and storage.
        .target(name: "EddyKinesis", dependencies: [
            "EddyWire", "EddyStorage", "CCrypto",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The S3 stand-in: REST-XML, objects as files, metadata in SQLite.
        .target(name: "EddyS3", dependencies: [
            "EddyWire", "EddyStorage", "CCrypto", "CZlib", "CChecksums",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // CloudWatch metrics: awsJson 1.0 and awsQuery, data points in SQLite.
        .target(name: "EddyCloudWatch", dependencies: [
            "EddyWire", "EddyStorage",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Firehose: delivery streams buffered durably and delivered into the S3 stand-in.
        .target(name: "EddyFirehose", dependencies: [
            "EddyWire", "EddyStorage",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // DynamoDB: tables and items in SQLite (KCL's leases, lookups).
        .target(name: "EddyDynamoDB", dependencies: [
            "EddyWire", "EddyStorage",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The HTTP front: one port, service recognition, AWS-style transport errors.
        .target(name: "EddyHTTP", dependencies: [
            "EddyWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The web console at /_eddy/: its page and read APIs, through the services' own operations.
        .target(name: "EddyConsole", dependencies: ["EddyWire"]),
        .executableTarget(name: "eddy", dependencies: [
            "EddyHTTP", "EddyConsole", "EddyKinesis", "EddyS3", "EddyCloudWatch", "EddyFirehose", "EddyDynamoDB", "EddyStorage", "EddyWire",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "eddy-bench", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer targets: every parser and every service's whole handler (scripts/fuzz.sh).
        .target(name: "EddyFuzzing", dependencies: [
            "EddyHTTP", "EddyConsole", "EddyKinesis", "EddyS3", "EddyCloudWatch", "EddyFirehose", "EddyDynamoDB", "EddyStorage", "EddyWire",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "eddy-fuzz", dependencies: ["EddyFuzzing"]),

        // Model/ holds the small service model the generated Generated/ code of these tests comes from.
        .testTarget(name: "EddyWireTests", dependencies: ["EddyWire"], exclude: ["Model"]),
        .testTarget(name: "EddyHTTPTests", dependencies: [
            "EddyHTTP", "EddyWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "EddyStorageTests", dependencies: ["EddyStorage"]),
        .testTarget(name: "EddyKinesisTests", dependencies: ["EddyKinesis", "EddyWire", "EddyStorage"]),
        .testTarget(name: "EddyS3Tests", dependencies: ["EddyS3", "EddyWire", "EddyStorage"]),
        .testTarget(name: "EddyCloudWatchTests", dependencies: ["EddyCloudWatch", "EddyWire", "EddyStorage"]),
        .testTarget(name: "EddyFuzzingTests", dependencies: ["EddyFuzzing", "EddyStorage"]),
        .testTarget(name: "EddyFirehoseTests", dependencies: ["EddyFirehose", "EddyWire", "EddyStorage"]),
        .testTarget(name: "EddyDynamoDBTests", dependencies: ["EddyDynamoDB", "EddyWire", "EddyStorage"]),
        .testTarget(name: "EddyConsoleTests", dependencies: ["EddyConsole", "EddyWire"]),
    ]
)
