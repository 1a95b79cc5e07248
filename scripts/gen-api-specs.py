#!/usr/bin/env python3
"""Service models → typed Swift inputs and outputs.

Two steps, each on its own:

  scripts/gen-api-specs.py --from-botocore [SERVICE...]
                                             refresh api-specs/*.json (or those services')
                                             from the installed botocore (pip install
                                             botocore): operations, shapes, members, types,
                                             constraints; no docs
  scripts/gen-api-specs.py                   write Sources/<Target>/Generated/<Name>API*.swift
                                             from api-specs/ (needs nothing but Python)
  scripts/gen-api-specs.py --check           exit 1 if the committed Swift is not what
                                             api-specs/ gives (a test runs this)

Per service the Swift holds, in a namespace enum (`KinesisAPI`): a struct per structure shape,
a Swift enum per string enum, an operation descriptor per operation (its name and its input and
output types), a decoder per structure (the model's constraints written out as checks, in AWS's
order) and an encoder per structure for JSON, CBOR and awsQuery XML. For REST-XML services
(S3) only the XML documents of requests and answers are generated: the shapes reachable from
them, each with a reader from XML into the tree its decoder checks and a writer back to XML.
"""
import gzip
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

SERVICES = {
    # botocore name: (api version, Swift target, namespace)
    "kinesis": ("2013-12-02", "EddyKinesis", "KinesisAPI"),
    "cloudwatch": ("2010-08-01", "EddyCloudWatch", "CloudWatchAPI"),
    "firehose": ("2015-08-04", "EddyFirehose", "FirehoseAPI"),
    "dynamodb": ("2012-08-10", "EddyDynamoDB", "DynamoDBAPI"),
    "s3": ("2006-03-01", "EddyS3", "S3API"),
}

# REST-XML services are generated for the XML documents their requests carry and their answers
# hold: only the shapes reachable from these, with a reader of each from XML and a writer of it
# back (S3's routing, headers and query are its own).
XML_DOCUMENTS = {
    "S3API": ["AccelerateConfiguration", "AccessControlPolicy", "AnalyticsConfiguration", "BucketLifecycleConfiguration",
              "BucketLoggingStatus", "CORSConfiguration", "CompletedMultipartUpload", "CreateBucketConfiguration", "Delete", "GetObjectAttributesOutput",
              "IntelligentTieringConfiguration", "InventoryConfiguration", "MetricsConfiguration", "NotificationConfiguration",
              "ObjectLockConfiguration", "ObjectLockLegalHold", "ObjectLockRetention", "OwnershipControls",
              "PublicAccessBlockConfiguration", "ReplicationConfiguration", "RequestPaymentConfiguration", "RestoreRequest",
              "ServerSideEncryptionConfiguration", "Tagging", "VersioningConfiguration", "WebsiteConfiguration"],
}

# Members the model calls required that AWS leaves out of some answers: generated as optional.
OPTIONAL_IN_ANSWERS = {
    # The event at the end of a closed shard carries ChildShards and no continuation (KCL
    # rejects an event with both).
    ("KinesisAPI", "SubscribeToShardEvent", "ContinuationSequenceNumber"),
}

# A small model of every shape type, so the decoder and encoders are tested without a service.
TEST_MODELS = {
    # spec path: (output folder, namespace)
    "Tests/EddyWireTests/Model/test-model.json": ("Tests/EddyWireTests/Generated", "TestAPI"),
}

KEEP_SHAPE = {"type", "required", "members", "min", "max", "pattern", "enum", "key", "value", "member",
              "exception", "error", "fault", "timestampFormat", "eventstream", "event", "sensitive",
              "flattened", "streaming", "xmlOrder"}
KEEP_MEMBER = {"shape", "location", "locationName", "eventpayload", "eventheader", "idempotencyToken",
               "hostLabel", "jsonvalue", "xmlNamespace", "xmlAttribute", "flattened", "timestampFormat"}
KEEP_OPERATION = {"name", "http", "input", "output", "errors", "endpoint"}


# MARK: botocore → api-specs

def refresh_from_botocore(services):
    import botocore
    unknown = set(services) - set(SERVICES)
    if unknown:
        sys.exit(f"unknown services: {sorted(unknown)}")
    for service, (version, _, _) in SERVICES.items():
        if services and service not in services:
            continue
        base = os.path.join(os.path.dirname(botocore.__file__), "data", service, version)
        model = None
        for name in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(base, name)
            if os.path.exists(path):
                opener = gzip.open if path.endswith(".gz") else open
                with opener(path, "rt", encoding="utf-8") as f:
                    model = json.load(f)
                break
        if model is None:
            sys.exit(f"no model for {service} {version} in botocore {botocore.__version__}")

        def shape(s):
            out = {k: v for k, v in s.items() if k in KEEP_SHAPE}
            if "members" in out:
                # Member order is the model's (answers are written in it).
                out["members"] = {n: {k: v for k, v in m.items() if k in KEEP_MEMBER} for n, m in out["members"].items()}
            for k in ("key", "value", "member"):
                if k in out:
                    out[k] = {a: b for a, b in out[k].items() if a in KEEP_MEMBER}
            return out

        ops = {}
        for name in sorted(model["operations"]):
            o = {k: v for k, v in model["operations"][name].items() if k in KEEP_OPERATION}
            if "errors" in o:
                o["errors"] = [{"shape": e["shape"]} for e in o["errors"]]
            ops[name] = o
        meta = {k: v for k, v in sorted(model["metadata"].items()) if k != "documentation"}
        stripped = {"metadata": meta, "operations": ops,
                    "shapes": {n: shape(model["shapes"][n]) for n in sorted(model["shapes"])}}
        path = os.path.join(ROOT, "api-specs", f"{service}-{version}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(stripped, indent=1, ensure_ascii=True) + "\n")
        print(f"wrote {path} from botocore {botocore.__version__}")


# MARK: Swift names

KEYWORDS = {"associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
            "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static",
            "struct", "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do",
            "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while",
            "as", "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try", "Type",
            "Protocol", "Any"}


def ident(name):
    return f"`{name}`" if name in KEYWORDS else name


# Shape names Swift reserves as member types (`Foo.Type`, `Foo.Protocol`).
RESERVED_TYPE_NAMES = {"Type", "Protocol", "Self"}


def type_name(shape):
    return shape + "Value" if shape in RESERVED_TYPE_NAMES else shape


def property_name(member):
    """`StreamARN` → streamARN, `KMSMasterKeyARN` → kmsMasterKeyARN, `S3BackupMode` → s3BackupMode."""
    upper = 0
    while upper < len(member) and member[upper].isupper():
        upper += 1
    if upper == 0:
        name = member
    elif upper == 1 or upper == len(member):
        name = member[:upper].lower() + member[upper:] if upper == len(member) else member[0].lower() + member[1:]
    elif member[upper].isdigit() or not member[upper].isalpha():
        name = member[:upper].lower() + member[upper:]
    else:
        name = member[:upper - 1].lower() + member[upper - 1:]
    return name


def case_name(value):
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in value)
    if not out or out[0].isdigit():
        out = "_" + out
    return out


def string_literal(s):
    if "\n" in s or "\r" in s:
        return json.dumps(s)
    if "\\" not in s and '"' not in s:
        return f'"{s}"'
    hashes = "#"
    while '"' + hashes in s:
        hashes += "#"
    return f'{hashes}"{s}"{hashes}'


def number_literal(v, kind):
    if kind == "double":
        return repr(float(v))
    return str(int(v))


# MARK: Swift generation

class Generator:
    def __init__(self, model, namespace):
        self.model = model
        self.ns = namespace
        self.shapes = model["shapes"]
        self.patterns = {}
        self.documents = XML_DOCUMENTS.get(namespace)
        if self.documents is not None:
            self.shapes = self.reachable(self.documents)

    def reachable(self, roots):
        out = {}
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in out:
                continue
            s = self.model["shapes"][name]
            out[name] = s
            todo += [m["shape"] for m in s.get("members", {}).values()]
            todo += [s[k]["shape"] for k in ("member", "key", "value") if k in s]
        return dict(sorted(out.items()))

    def shape(self, name):
        return self.shapes[name]

    def is_generated_structure(self, name):
        s = self.shapes[name]
        return s["type"] == "structure" and not s.get("exception") and not s.get("eventstream")

    def is_enum(self, name):
        s = self.shapes[name]
        return s["type"] == "string" and "enum" in s

    def has_eventstream(self, name):
        s = self.shapes[name]
        return s["type"] == "structure" and any(self.shapes[m["shape"]].get("eventstream") for m in s.get("members", {}).values())

    def swift_type(self, name):
        s = self.shapes[name]
        t = s["type"]
        if t == "structure":
            if s.get("eventstream"):
                return "EddyWire.ResponseStream"
            return f"{self.ns}.{type_name(name)}"
        if t == "string":
            return f"{self.ns}.{type_name(name)}" if "enum" in s else "Swift.String"
        if t == "integer":
            return "Swift.Int"
        if t == "long":
            return "Swift.Int64"
        if t == "boolean":
            return "Swift.Bool"
        if t == "blob":
            return "[Swift.UInt8]"
        if t == "timestamp":
            return "EddyWire.Timestamp"
        if t in ("double", "float"):
            return "Swift.Double"
        if t == "list":
            return f"[{self.swift_type(s['member']['shape'])}]"
        if t == "map":
            return f"EddyWire.ShapeMap<{self.swift_type(s['value']['shape'])}>"
        raise ValueError(f"type {t} of {name}")

    def placeholder(self, name):
        s = self.shapes[name]
        t = s["type"]
        if t == "structure":
            return f"{self.ns}.{type_name(name)}.placeholder"
        if t == "string":
            return f"{self.ns}.{type_name(name)}.placeholder" if "enum" in s else '""'
        return {"integer": "0", "long": "0", "boolean": "false", "blob": "[]", "timestamp": "EddyWire.Timestamp(millis: 0)",
                "double": "0", "float": "0", "list": "[]", "map": "EddyWire.ShapeMap()"}[t]

    def pattern_ref(self, source):
        if source not in self.patterns:
            self.patterns[source] = f"p{len(self.patterns)}"
        return f"{self.ns}.Patterns.{self.patterns[source]}"

    # Types

    def types_file(self):
        out = []
        meta = self.model["metadata"]
        if self.documents is not None:
            out.append(f"/// The XML documents of {meta.get('serviceFullName', self.ns)}'s requests and answers.")
            out.append(f"public enum {self.ns} {{}}")
            for name in sorted(self.shapes):
                if self.is_enum(name):
                    out += self.enum_decl(name)
                elif self.is_generated_structure(name):
                    out += self.struct_decl(name)
            return out
        out.append(f"public enum {self.ns} {{")
        out.append(f"    public static let targetPrefix = {string_literal(meta.get('targetPrefix', ''))}")
        out.append("    /// Every operation of the model, in name order.")
        out.append("    public static let operationNames: [Swift.String] = [")
        for name in sorted(self.model["operations"]):
            out.append(f"        {string_literal(name)},")
        out.append("    ]")
        out.append("    /// Every operation's descriptor (its input and output types).")
        out.append("    static let operations: [any EddyWire.ServiceOperation.Type] = [")
        for name in sorted(self.model["operations"]):
            out.append(f"        {self.ns}.{name}.self,")
        out.append("    ]")
        out.append("}")
        for name in sorted(self.shapes):
            if self.is_enum(name):
                out += self.enum_decl(name)
            elif self.is_generated_structure(name):
                out += self.struct_decl(name)
        out += self.operations()
        return out

    def enum_decl(self, name):
        values = self.shapes[name]["enum"]
        out = ["", f"extension {self.ns} {{", f"    public enum {type_name(name)}: Swift.String, EddyWire.ShapeEnum {{"]
        for v in values:
            c = case_name(v)
            out.append(f"        case {ident(c)}" + ("" if c == v else f" = {string_literal(v)}"))
        out.append(f"        public static var placeholder: Self {{ .{ident(case_name(values[0]))} }}")
        out += ["    }", "}"]
        return out

    def members(self, name):
        s = self.shapes[name]
        required = set(s.get("required", []))
        # An event stream member is always there: it is the answer.
        return [(m, d["shape"], (m in required and (self.ns, name, m) not in OPTIONAL_IN_ANSWERS)
                 or bool(self.shapes[d["shape"]].get("eventstream")))
                for m, d in s.get("members", {}).items()]

    def struct_decl(self, name):
        members = self.members(name)
        equatable = "" if self.has_eventstream(name) else ", Swift.Equatable"
        out = ["", f"extension {self.ns} {{", f"    public struct {type_name(name)}: Swift.Sendable{equatable} {{"]
        for m, shape, required in members:
            out.append(f"        public var {ident(property_name(m))}: {self.swift_type(shape)}{'' if required else '?'}")
        params = []
        for m, shape, required in members:
            p = property_name(m)
            params.append(f"{ident(p)}: {self.swift_type(shape)}" + ("" if required else "? = nil"))
        if params:
            out.append("")
            out.append(f"        public init({', '.join(params)}) {{")
            for m, _, _ in members:
                p = property_name(m)
                out.append(f"            self.{p} = {ident(p)}")
            out.append("        }")
        else:
            out.append("")
            out.append("        public init() {}")
        if not self.has_eventstream(name):
            args = ", ".join(f"{property_name(m)}: {self.placeholder(shape)}" for m, shape, required in members if required)
            out.append("")
            out.append(f"        /// Stands in for a missing required member while a request is checked.")
            out.append(f"        public static var placeholder: Self {{ Self({args}) }}")
        out += ["    }", "}"]
        return out

    def operations(self):
        out = []
        for name in sorted(self.model["operations"]):
            op = self.model["operations"][name]
            inp = op.get("input", {}).get("shape")
            outp = op.get("output", {}).get("shape")
            wrapper = op.get("output", {}).get("resultWrapper")
            # Internal: the service's actions conform them to its own (internal) action protocol.
            out += ["", f"extension {self.ns} {{", f"    enum {name}: EddyWire.ServiceOperation {{"]
            out.append(f"        typealias Input = {self.ns + '.' + inp if inp else 'EddyWire.EmptyInput'}")
            out.append(f"        typealias Output = {self.ns + '.' + outp if outp else 'EddyWire.EmptyOutput'}")
            out.append(f"        static let name = {string_literal(name)}")
            if wrapper:
                out.append(f"        static let resultWrapper: Swift.String? = {string_literal(wrapper)}")
            out += ["    }", "}"]
        return out

    def patterns_decl(self):
        out = ["", f"extension {self.ns} {{",
               "    /// The model's patterns, compiled on first use (a pattern the engine cannot read is nil,",
               "    /// so not enforced; a unit test keeps every one readable).",
               "    public enum Patterns {"]
        for source, ref in self.patterns.items():
            out.append(f"        public static let {ref}: EddyWire.Pattern? = try? EddyWire.Pattern({string_literal(source)})")
        out.append("        public static let all: [(source: Swift.String, pattern: EddyWire.Pattern?)] = [")
        for source, ref in self.patterns.items():
            out.append(f"            ({string_literal(source)}, {ref}),")
        out += ["        ]", "    }", "}"]
        return out

    # Decoding

    def decoding_file(self):
        out = []
        for name in sorted(self.shapes):
            if self.is_generated_structure(name) and not self.has_eventstream(name):
                out += self.struct_decoder(name)
                if self.documents is not None:
                    out += self.xml_tree(name)
        out += self.patterns_decl()
        return out

    # REST-XML

    def element_name(self, member, definition):
        return definition.get("locationName", member)

    def xml_tree(self, name):
        """A reader of the structure's XML element into the tree its decoder checks: members by
        their element names (flattened lists repeat the element, wrapped ones hold an element
        per item), scalars as text; an element the model does not have is an error."""
        s = self.shapes[name]
        attributes = [(m, d) for m, d in s.get("members", {}).items() if d.get("xmlAttribute")]
        elements = [(m, d) for m, d in s.get("members", {}).items() if not d.get("xmlAttribute")]
        out = ["", f"extension {self.ns}.{type_name(name)}: EddyWire.XMLDocumentShape {{",
               "    public static func tree(xml e: EddyWire.XMLElement) throws(EddyWire.XMLDocumentError) -> EddyWire.JSONValue {",
               f"        {'var' if attributes or elements else 'let'} o = EddyWire.XMLTreeBuilder()"]
        for m, d in attributes:
            out.append(f"        if let a = e.attributes[{string_literal(d['locationName'])}] {{ try o.set({string_literal(m)}, .string(a)) }}")
        if elements:
            out.append("        for c in e.children {")
            out.append("            switch c.localName {")
            for m, d in elements:
                target = self.shapes[d["shape"]]
                if target["type"] == "list":
                    item = target["member"]
                    if target.get("flattened") or d.get("flattened"):
                        out.append(f"            case {string_literal(self.element_name(m, d))}:")
                        out.append(f"                o.append({string_literal(m)}, {self.xml_item(item['shape'], 'c')})")
                    else:
                        out.append(f"            case {string_literal(self.element_name(m, d))}:")
                        out.append("                var items: [EddyWire.JSONValue] = []")
                        out.append("                for i in c.children {")
                        out.append(f"                    guard i.localName == {string_literal(item.get('locationName', 'member'))} else {{ throw .unexpected(i.localName) }}")
                        out.append(f"                    items.append({self.xml_item(item['shape'], 'i')})")
                        out.append("                }")
                        out.append(f"                try o.set({string_literal(m)}, .array(items))")
                elif target["type"] == "map":
                    raise ValueError(f"maps in XML documents ({name}.{m})")
                else:
                    out.append(f"            case {string_literal(self.element_name(m, d))}: try o.set({string_literal(m)}, {self.xml_item(d['shape'], 'c')})")
            out.append("            default: throw .unexpected(c.localName)")
            out.append("            }")
            out.append("        }")
        else:
            out.append("        if let c = e.children.first { throw .unexpected(c.localName) }")
        out += ["        return o.value", "    }", "}"]
        return out

    def xml_item(self, shape_name, var):
        t = self.shapes[shape_name]["type"]
        if t == "structure":
            return f"try {self.ns}.{type_name(shape_name)}.tree(xml: {var})"
        if t in ("list", "map"):
            raise ValueError(f"nested collection {shape_name} in an XML document")
        return f"try EddyWire.XMLTreeBuilder.text({var})"

    def struct_decoder(self, name):
        out = ["", f"extension {self.ns}.{type_name(name)}: EddyWire.ShapeDecodable {{",
               "    public init(from d: inout EddyWire.ShapeDecoder, _ value: EddyWire.JSONValue) throws(EddyWire.AWSError) {"]
        members = self.members(name)
        out.append(f"        let {'o' if members else '_'} = try d.structure(value)")
        # AWS reports violations member by member in name order.
        for m, shape, required in sorted(members, key=lambda x: x[0]):
            p = property_name(m)
            out.append(f"        if let v = o.sent({string_literal(m)}) {{")
            lines, expr = self.decode_value(shape, "v", string_literal(m), 1)
            out += ["            " + l for l in lines]
            out.append(f"            self.{p} = {expr}")
            out.append("        } else {")
            if required:
                out.append(f"            d.missing({string_literal(m)})")
                out.append(f"            self.{p} = {self.placeholder(shape)}")
            else:
                out.append(f"            self.{p} = nil")
            out.append("        }")
        out += ["    }", "}"]
        return out

    def constraints(self, s, kind, integral_type=None):
        args = []
        for key in ("min", "max"):
            if key in s:
                args.append(f"{key}: {number_literal(s[key], kind)}")
        return args

    def decode_value(self, shape_name, var, leaf, depth):
        """Lines to run and the expression that gives the decoded value of `var`."""
        s = self.shapes[shape_name]
        t = s["type"]
        args = [var, leaf]
        if t == "structure":
            v = f"x{depth}"
            lines = [f"d.enter({leaf})" if leaf != "nil" else None,
                     f"let {v} = try {self.ns}.{type_name(shape_name)}(from: &d, {var})",
                     "d.leave()" if leaf != "nil" else None]
            return [l for l in lines if l], v
        if t == "string":
            extra = self.constraints(s, "length")
            if "enum" in s:
                return [], f"try d.enumeration({', '.join(args + [f'{self.ns}.{type_name(shape_name)}.self'] + extra)})"
            if "pattern" in s:
                extra.append(f"pattern: {self.pattern_ref(s['pattern'])}")
            return [], f"try d.string({', '.join(args + extra)})"
        if t == "integer":
            return [], f"try d.int32({', '.join(args + self.constraints(s, 'integer'))})"
        if t == "long":
            return [], f"try d.int64({', '.join(args + self.constraints(s, 'long'))})"
        if t in ("double", "float"):
            return [], f"try d.double({', '.join(args + self.constraints(s, 'double'))})"
        if t == "boolean":
            return [], f"try d.bool({var}, {leaf})"
        if t == "blob":
            return [], f"try d.blob({', '.join(args + self.constraints(s, 'length'))})"
        if t == "timestamp":
            return [], f"try d.timestamp({var}, {leaf})"
        if t == "list":
            element = s["member"]["shape"]
            items, result, i, item = f"items{depth}", f"list{depth}", f"i{depth}", f"item{depth}"
            lines = [f"let {items} = try d.list({', '.join(args + self.constraints(s, 'length'))})"]
            if leaf != "nil":
                lines.append(f"d.enter({leaf})")
            lines += [f"var {result}: {self.swift_type(shape_name)} = []",
                      f"{result}.reserveCapacity({items}.count)",
                      f"for ({i}, {item}) in {items}.enumerated() where !{item}.isNull {{",
                      f"    d.enterIndex({i})"]
            inner, expr = self.decode_value(element, item, "nil", depth + 1)
            lines += ["    " + l for l in inner]
            lines += [f"    {result}.append({expr})", "    d.leave()", "}"]
            if leaf != "nil":
                lines.append("d.leave()")
            return lines, result
        if t == "map":
            key_shape, value_shape = s["key"]["shape"], s["value"]["shape"]
            entries, result, k, e = f"entries{depth}", f"map{depth}", f"k{depth}", f"e{depth}"
            lines = [f"let {entries} = try d.map({', '.join(args + self.constraints(s, 'length'))})"]
            if leaf != "nil":
                lines.append(f"d.enter({leaf})")
            lines += [f"var {result}: [(key: Swift.String, value: {self.swift_type(value_shape)})] = []",
                      f"{result}.reserveCapacity({entries}.count)",
                      f"for ({k}, {e}) in {entries} where !{e}.isNull {{",
                      f"    d.enterKey({k})"]
            key_lines, key_expr = self.decode_value(key_shape, f".string({k})", '"key"', depth + 1)
            value_lines, value_expr = self.decode_value(value_shape, e, '"member"', depth + 1)
            lines += ["    " + l for l in key_lines]
            lines.append(f"    let key{depth} = {key_expr}")
            lines += ["    " + l for l in value_lines]
            lines += [f"    {result}.append((key{depth}, {value_expr}))", "    d.leave()", "}"]
            if leaf != "nil":
                lines.append("d.leave()")
            return lines, f"EddyWire.ShapeMap({result})"
        raise ValueError(t)

    # Encoding

    def encoding_file(self):
        out = []
        for name in sorted(self.shapes):
            if self.is_generated_structure(name):
                out += self.rest_xml_encoder(name) if self.documents is not None else self.struct_encoder(name)
        return out

    def rest_xml_encoder(self, name):
        """The structure as the element `element`: members in the model's order, attributes in
        its start tag, lists flattened or wrapped as the model says."""
        s = self.shapes[name]
        # Members bound to headers or the status line are the service's to write, not the body's.
        members = [(m, d, m in set(s.get("required", []))) for m, d in s.get("members", {}).items() if "location" not in d]
        out = ["", f"extension {self.ns}.{type_name(name)}: EddyWire.XMLDocumentEncodable {{",
               "    public func encode(restXML w: inout EddyWire.XMLWriter, element: Swift.String, namespace: Swift.String? = nil) {"]
        attributes = [(m, d, r) for m, d, r in members if d.get("xmlAttribute")]
        if attributes:
            out.append("        var attributes: [(Swift.String, Swift.String)] = []")
            for m, d, r in attributes:
                p = property_name(m)
                value = f"{ident(p)}.rawValue" if self.is_enum(d["shape"]) else ident(p)
                body = [f"attributes.append(({string_literal(d['locationName'])}, {value}))"]
                out += self.optional_block(p, r, body, "        ")
            if any(":" in d["locationName"] and d["locationName"].split(":")[0] == "xsi" for _, d, _ in attributes):
                out.append('        attributes.insert(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"), at: 0)')
            out.append("        w.open(element, namespace: namespace, attributes: attributes)")
        else:
            out.append("        w.open(element, namespace: namespace)")
        for m, d, r in members:
            if d.get("xmlAttribute"):
                continue
            p = property_name(m)
            body = self.rest_xml_value(m, d, p)
            out += self.optional_block(p, r, body, "        ")
        out += ["        w.close(element)", "    }", "}"]
        return out

    def rest_xml_value(self, member, definition, var):
        target = self.shapes[definition["shape"]]
        element = string_literal(self.element_name(member, definition))
        v = ident(var)
        if target["type"] == "list":
            item = target["member"]
            if target.get("flattened") or definition.get("flattened"):
                return [f"for e in {v} {{"] + ["    " + l for l in self.rest_xml_scalar(item["shape"], "e", element)] + ["}"]
            inner = string_literal(item.get("locationName", "member"))
            return ([f"w.open({element})", f"for e in {v} {{"] + ["    " + l for l in self.rest_xml_scalar(item["shape"], "e", inner)]
                    + ["}", f"w.close({element})"])
        return self.rest_xml_scalar(definition["shape"], v, element)

    def rest_xml_scalar(self, shape_name, var, element):
        k = self.scalar_kind(shape_name)
        if k == "structure":
            return [f"{var}.encode(restXML: &w, element: {element})"]
        if k == "enum":
            return [f"w.element({element}, {var}.rawValue)"]
        if k in ("double", "float"):
            return [f"w.element({element}, double: {var})"]
        if k == "blob":
            return [f"w.element({element}, base64: {var})"]
        if k in ("string", "integer", "long", "boolean", "timestamp"):
            return [f"w.element({element}, {var})"]
        raise ValueError(k)

    def struct_encoder(self, name):
        members = [(m, shape, required) for m, shape, required in self.members(name)
                   if not self.shapes[shape].get("eventstream")]
        stream = [m for m, shape, _ in self.members(name) if self.shapes[shape].get("eventstream")]
        out = ["", f"extension {self.ns}.{type_name(name)}: EddyWire.ShapeEncodable {{"]
        if stream:
            out.append(f"    public var responseStream: EddyWire.ResponseStream? {{ {property_name(stream[0])} }}")
            out.append("")
        # JSON
        out.append("    public func encode(json w: inout EddyWire.JSONWriter) {")
        out.append("        w.beginObject()")
        for m, shape, required in members:
            p = property_name(m)
            body = [f"w.safeKey({string_literal(m)})"] + self.json_value(shape, p, 1)
            out += self.optional_block(p, required, body, "        ")
        out.append("        w.endObject()")
        out.append("    }")
        # CBOR
        out.append("")
        out.append("    public func encode(cbor w: inout EddyWire.CBORWriter) {")
        required_count = sum(1 for _, _, r in members if r)
        optional = [property_name(m) for m, _, r in members if not r]
        if optional:
            # Not `count`: a member may be called that.
            out.append(f"        var _memberCount = {required_count}")
            for p in optional:
                out.append(f"        if self.{p} != nil {{ _memberCount += 1 }}")
            out.append("        w.mapHeader(_memberCount)")
        else:
            out.append(f"        w.mapHeader({required_count})")
        for m, shape, required in members:
            p = property_name(m)
            body = [f"w.text({string_literal(m)})"] + self.cbor_value(shape, p, 1)
            out += self.optional_block(p, required, body, "        ")
        out.append("    }")
        # XML
        out.append("")
        out.append(f"    public func encode(xml w: inout EddyWire.XMLWriter) {{")
        for m, shape, required in members:
            p = property_name(m)
            out += self.optional_block(p, required, self.xml_value(shape, p, string_literal(m), 1), "        ")
        out.append("    }")
        out.append("}")
        return out

    def optional_block(self, p, required, body, indent):
        if required:
            return [indent + l for l in body]
        if len(body) <= 2 and all("\n" not in l for l in body):
            return [f"{indent}if let {ident(p)} {{ {'; '.join(body)} }}"]
        return [f"{indent}if let {ident(p)} {{"] + [indent + "    " + l for l in body] + [f"{indent}}}"]

    def scalar_kind(self, shape_name):
        s = self.shapes[shape_name]
        t = s["type"]
        if t == "string" and "enum" in s:
            return "enum"
        return t

    def json_value(self, shape_name, var, depth):
        s = self.shapes[shape_name]
        var = ident(var) if depth == 1 else var
        k = self.scalar_kind(shape_name)
        if k == "structure":
            return [f"{var}.encode(json: &w)"]
        if k == "enum":
            return [f"w.string({var}.rawValue)"]
        simple = {"string": "string", "integer": "int", "long": "int64", "boolean": "bool", "double": "double", "float": "double",
                  "blob": "base64", "timestamp": "timestamp"}
        if k in simple:
            return [f"w.{simple[k]}({var})"]
        if k == "list":
            # By index: the elements are read in place rather than copied out (and retained) one by one.
            e, i = f"e{depth}", f"i{depth}"
            inner = self.json_value(s["member"]["shape"], f"{var}[{i}]", depth + 1)
            return ["w.beginArray()", f"for {i} in {var}.indices {{"] + ["    " + l for l in inner] + ["}", "w.endArray()"]
        if k == "map":
            kk, vv = f"k{depth}", f"v{depth}"
            inner = self.json_value(s["value"]["shape"], vv, depth + 1)
            return ["w.beginObject()", f"for ({kk}, {vv}) in {var}.entries {{", f"    w.key({kk})"] + ["    " + l for l in inner] + ["}", "w.endObject()"]
        raise ValueError(k)

    def cbor_value(self, shape_name, var, depth):
        s = self.shapes[shape_name]
        var = ident(var) if depth == 1 else var
        k = self.scalar_kind(shape_name)
        if k == "structure":
            return [f"{var}.encode(cbor: &w)"]
        if k == "enum":
            return [f"w.text({var}.rawValue)"]
        if k == "integer":
            return [f"w.int(Swift.Int64({var}))"]
        simple = {"string": "text", "long": "int", "boolean": "bool", "double": "double", "float": "double",
                  "blob": "blob", "timestamp": "timestamp"}
        if k in simple:
            return [f"w.{simple[k]}({var})"]
        if k == "list":
            e = f"e{depth}"
            inner = self.cbor_value(s["member"]["shape"], e, depth + 1)
            return [f"w.arrayHeader({var}.count)", f"for {e} in {var} {{"] + ["    " + l for l in inner] + ["}"]
        if k == "map":
            kk, vv = f"k{depth}", f"v{depth}"
            inner = self.cbor_value(s["value"]["shape"], vv, depth + 1)
            return [f"w.mapHeader({var}.count)", f"for ({kk}, {vv}) in {var}.entries {{", f"    w.text({kk})"] + ["    " + l for l in inner] + ["}"]
        raise ValueError(k)

    def xml_value(self, shape_name, var, element, depth):
        s = self.shapes[shape_name]
        var = ident(var) if depth == 1 else var
        k = self.scalar_kind(shape_name)
        if k == "structure":
            return [f"w.open({element})", f"{var}.encode(xml: &w)", f"w.close({element})"]
        if k == "enum":
            return [f"w.element({element}, {var}.rawValue)"]
        if k in ("double", "float"):
            return [f"w.element({element}, double: {var})"]
        if k == "blob":
            return [f"w.element({element}, base64: {var})"]
        if k in ("string", "integer", "long", "boolean", "timestamp"):
            return [f"w.element({element}, {var})"]
        if k == "list":
            e = f"e{depth}"
            inner = self.xml_value(s["member"]["shape"], e, '"member"', depth + 1)
            return [f"w.open({element})", f"for {e} in {var} {{"] + ["    " + l for l in inner] + ["}", f"w.close({element})"]
        if k == "map":
            kk, vv = f"k{depth}", f"v{depth}"
            inner = self.xml_value(s["value"]["shape"], vv, '"value"', depth + 1)
            return ([f"w.open({element})", f"for ({kk}, {vv}) in {var}.entries {{", '    w.open("entry")', f'    w.element("key", {kk})']
                    + ["    " + l for l in inner] + ['    w.close("entry")', "}", f"w.close({element})"])
        raise ValueError(k)


def header(spec):
    return [f"// Generated by scripts/gen-api-specs.py from {spec}. Do not edit.", "", "import EddyWire", ""]


def generate():
    """{path: text} of every generated Swift file."""
    files = {}
    specs = [(f"api-specs/{service}-{version}.json", os.path.join("Sources", target, "Generated"), namespace)
             for service, (version, target, namespace) in SERVICES.items()]
    specs += [(spec, directory, namespace) for spec, (directory, namespace) in TEST_MODELS.items()]
    for spec, directory, namespace in specs:
        with open(os.path.join(ROOT, spec), encoding="utf-8") as f:
            model = json.load(f)
        overlap = set(model["operations"]) & set(model["shapes"])
        if overlap:
            sys.exit(f"{spec}: operations named like shapes: {sorted(overlap)}")
        g = Generator(model, namespace)
        files[os.path.join(directory, f"{namespace}.swift")] = header(spec) + g.types_file()
        files[os.path.join(directory, f"{namespace}+Encoding.swift")] = header(spec) + g.encoding_file()
        files[os.path.join(directory, f"{namespace}+Decoding.swift")] = header(spec) + g.decoding_file()
    return {path: "\n".join(lines).rstrip() + "\n" for path, lines in files.items()}


def main():
    args = sys.argv[1:]
    if args[:1] == ["--from-botocore"]:
        refresh_from_botocore(args[1:])
        return
    files = generate()
    if args == ["--check"]:
        stale = [p for p, text in files.items()
                 if not os.path.exists(os.path.join(ROOT, p)) or open(os.path.join(ROOT, p), encoding="utf-8").read() != text]
        if stale:
            print("generated code is stale (run scripts/gen-api-specs.py):\n  " + "\n  ".join(stale))
            sys.exit(1)
        print(f"generated code is up to date ({len(files)} files)")
        return
    if args:
        sys.exit(__doc__)
    for path, text in files.items():
        full = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {path} ({text.count(chr(10))} lines)")


if __name__ == "__main__":
    main()
