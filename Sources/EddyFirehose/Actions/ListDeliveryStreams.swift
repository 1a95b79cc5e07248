import EddyWire

extension FirehoseAPI.ListDeliveryStreams: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let names = c.store.all()
            .filter { $0.account == c.request.accountId && $0.region == c.request.region && $0.storedStatus != .DELETING }
            .filter { input.deliveryStreamType == nil || $0.type == input.deliveryStreamType }
            .map(\.name).sorted()
            .filter { name in input.exclusiveStartDeliveryStreamName.map { name > $0 } ?? true }
        let page = names.page(input.limit ?? 10)
        return Output(deliveryStreamNames: Array(page), hasMoreDeliveryStreams: names.count > page.count)
    }
}
