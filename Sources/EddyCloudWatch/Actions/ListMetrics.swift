import EddyWire

/// ListMetrics: metrics with data in the last two weeks (or three hours with RecentlyActive),
/// filtered by namespace, name and dimension filters.
enum ListMetrics: CloudWatchAction {
    static func perform(_ c: CloudWatchContext) throws(CloudWatchError) -> [UInt8] {
        let i = c.input
        let window: Int64 = i["RecentlyActive"]?.string == "PT3H" ? 3 * 3600 : 14 * 86_400
        let filters = (i["Dimensions"]?.array ?? []).compactMap { f -> (String, String?)? in
            guard let o = f.object, let n = o["Name"]?.string else { return nil }
            return (n, o["Value"]?.string)
        }
        let found = try c.storage {
            try c.store.metrics(account: c.request.accountId, region: c.request.region, namespace: i["Namespace"]?.string,
                                name: i["MetricName"]?.string, since: c.now / 1000 - window)
        }.filter { m in
            let dims = MetricStore.dimensions(m.dimensions)
            return filters.allSatisfy { f in dims.contains { $0.name == f.0 && (f.1 == nil || $0.value == f.1) } }
        }
        return json { w in
            w.key("Metrics"); w.beginArray()
            for m in found {
                w.beginObject()
                w.member("Namespace", m.namespace)
                w.member("MetricName", m.name)
                w.key("Dimensions"); w.beginArray()
                for d in MetricStore.dimensions(m.dimensions) {
                    w.beginObject(); w.member("Name", d.name); w.member("Value", d.value); w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
        }
    }
}
