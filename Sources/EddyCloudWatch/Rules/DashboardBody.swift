import EddyWire

/// The checks PutDashboard makes of a dashboard body: a JSON object with a `widgets` list,
/// each widget of a known type with its properties (a metric widget its metrics or alarm
/// annotations, a text widget its markdown) and a place on the 24-column grid.
enum DashboardBody {
    /// CloudWatch's limit on a dashboard body.
    static let maxBytes = 1 << 20
    static let widgetTypes: Set<String> = ["metric", "text", "log", "alarm", "explorer", "custom"]
    static let maxWidgets = 500

    static func check(_ body: String) throws(CloudWatchError) {
        guard body.utf8.count <= maxBytes else {
            throw .dashboardInvalidInput("The dashboard body is larger than the \(maxBytes) bytes a dashboard may have.", [])
        }
        guard let value = try? JSONParser.parse(Array(body.utf8)), let root = value.object else {
            throw .dashboardInvalidInput("The field DashboardBody must be a valid JSON object", [])
        }
        var problems: [CloudWatchAPI.DashboardValidationMessage] = []
        func problem(_ path: String, _ message: String) {
            problems.append(CloudWatchAPI.DashboardValidationMessage(dataPath: path, message: message))
        }
        if let widgets = root["widgets"] {
            if let list = widgets.array {
                if list.count > maxWidgets { problem("/widgets", "Should NOT have more than \(maxWidgets) items") }
                for (i, widget) in list.prefix(maxWidgets).enumerated() { checkWidget(widget, "/widgets/\(i)", problem) }
            } else {
                problem("/widgets", "Should be array")
            }
        } else {
            problem("", "Should have required property 'widgets'")
        }
        guard problems.isEmpty else {
            let listed = problems.map { "{\"dataPath\":\"\($0.dataPath ?? "")\",\"message\":\"\($0.message ?? "")\"}" }.joined(separator: ",")
            throw .dashboardInvalidInput("The dashboard body is invalid, there are \(problems.count) validation errors: [\(listed)]", problems)
        }
    }

    static func checkWidget(_ widget: JSONValue, _ path: String, _ problem: (String, String) -> Void) {
        guard let w = widget.object else { return problem(path, "Should be object") }
        guard let type = w["type"]?.string else { return problem(path, "Should have required property 'type'") }
        guard widgetTypes.contains(type) else {
            return problem(path + "/type", "Should be equal to one of the allowed values [\(widgetTypes.sorted().joined(separator: ", "))]")
        }
        for (field, range) in [("x", 0...23), ("y", 0...10_000), ("width", 1...24), ("height", 1...1_000)] {
            guard let v = w[field] else { continue }
            guard let n = v.int, Double(n) == v.double else { problem(path + "/" + field, "Should be integer"); continue }
            if !range.contains(n) { problem(path + "/" + field, "Should be between \(range.lowerBound) and \(range.upperBound)") }
        }
        guard let properties = w["properties"]?.object else { return problem(path, "Should have required property 'properties'") }
        switch type {
        case "metric":
            let metrics = properties["metrics"]
            let alarms = properties["annotations"]?.object?["alarms"]
            if metrics == nil && alarms == nil {
                problem(path + "/properties", "Should have required property 'metrics'")
            } else if let metrics, metrics.array == nil {
                problem(path + "/properties/metrics", "Should be array")
            }
        case "text":
            if properties["markdown"]?.string == nil { problem(path + "/properties", "Should have required property 'markdown'") }
        case "alarm":
            if properties["alarms"]?.array == nil { problem(path + "/properties", "Should have required property 'alarms'") }
        case "log":
            if properties["query"]?.string == nil { problem(path + "/properties", "Should have required property 'query'") }
        default:
            break
        }
    }

    /// Dashboard names: letters, digits, `-` and `_`, at most 255.
    static func checkName(_ name: String) throws(CloudWatchError) {
        let ok = !name.isEmpty && name.utf8.count <= 255 && name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
        guard ok else {
            throw .dashboardInvalidInput("The value for field DashboardName must contain only alphanumeric characters, dash (-) and underscore (_), and be at most 255 characters", [])
        }
    }
}
