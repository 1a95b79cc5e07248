import EddyWire

extension KinesisAPI.PutResourcePolicy: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let arn = try ResourcePolicies.resource(input.resourceARN, c)
        guard case .object(let document)? = try? JSONParser.parse(Array(input.policy.utf8)), document["Statement"] != nil else {
            throw .invalidArgument("Policy is not a valid JSON policy document with a Statement.")
        }
        try ResourcePolicies.catalog { try c.store.setPolicy(arn, input.policy) }
        return Output()
    }
}
