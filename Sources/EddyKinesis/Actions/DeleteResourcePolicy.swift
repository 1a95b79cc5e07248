import EddyWire

extension KinesisAPI.DeleteResourcePolicy: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let arn = try ResourcePolicies.resource(input.resourceARN, c)
        guard try ResourcePolicies.catalog({ try c.store.policy(arn) }) != nil else {
            throw .resourceNotFound("No resource policy found for resource ARN \(arn).")
        }
        try ResourcePolicies.catalog { try c.store.setPolicy(arn, nil) }
        return Output()
    }
}
