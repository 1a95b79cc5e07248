import EddyWire

extension KinesisAPI.GetResourcePolicy: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let arn = try ResourcePolicies.resource(input.resourceARN, c)
        // A resource without a policy answers an empty document.
        return Output(policy: try ResourcePolicies.catalog { try c.store.policy(arn) } ?? "{}")
    }
}
