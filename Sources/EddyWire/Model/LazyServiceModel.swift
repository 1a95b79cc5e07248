import Synchronization

/// A service model parsed on first use (or by `warmUp()` after the server is ready), so that
/// start-up does not wait for hundreds of shapes of services nobody has called yet.
public final class LazyServiceModel: Sendable {
    public struct Parts: Sendable {
        public let model: ServiceModel
        public let validator: ShapeValidator
    }

    private let json: String
    private let parts = Mutex<Parts?>(nil)

    public init(json: String) {
        self.json = json
    }

    public var value: Parts {
        if let ready = parts.withLock({ $0 }) { return ready }
        // The generated models are parsed by a unit test, so a failure here is a build defect.
        let model = try! ServiceModel(json: json)
        let made = Parts(model: model, validator: ShapeValidator(model: model))
        return parts.withLock { current in
            if let current { return current }
            current = made
            return made
        }
    }

    public func warmUp() { _ = value }
}
