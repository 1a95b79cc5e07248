import Testing
@testable import EddyDynamoDB

@Suite struct CapacityBucketTests {
    /// A provisioned rate of one unit a second holds 300 seconds of burst; once overdrawn, the
    /// next request waits until the rate has paid the debt back.
    @Test func burstThenThrottleThenRefill() {
        var bucket = CapacityBucket(ratePerSecond: 1, now: 0)
        let fresh = bucket.admits(ratePerSecond: 1, now: 0)
        #expect(fresh)
        bucket.spend(300.5, ratePerSecond: 1, now: 0)
        let admitted0 = bucket.admits(ratePerSecond: 1, now: 0)
        #expect(!admitted0)
        let admitted500 = bucket.admits(ratePerSecond: 1, now: 500)
        #expect(!admitted500)
        let admitted1000 = bucket.admits(ratePerSecond: 1, now: 1_000)
        #expect(admitted1000)
        // A long quiet period refills to the burst limit and no further.
        bucket.refill(ratePerSecond: 1, now: 10_000_000)
        #expect(bucket.balance == 300)
        // A clock that steps back takes nothing and gives nothing.
        bucket.spend(1, ratePerSecond: 1, now: 5_000)
        #expect(bucket.balance == 299)
    }
}
