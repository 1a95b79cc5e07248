#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A storage failure with the operation and path that failed.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func errno(_ what: String, _ path: String) -> StorageError {
        StorageError("\(what) \(path): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// An open file descriptor, closed when the last reference goes (readers may still hold a
/// segment that retention has just deleted).
final class FileHandleRef: @unchecked Sendable {
    // The descriptor itself never changes; pread/pwrite are safe from several threads.
    let fd: Int32
    let path: String

    init(path: String, create: Bool) throws {
        let flags = create ? (O_RDWR | O_CREAT | O_CLOEXEC) : (O_RDWR | O_CLOEXEC)
        let fd = open(path, flags, 0o644)
        if fd < 0 { throw StorageError.errno("open", path) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    func size() throws -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw StorageError.errno("fstat", path) }
        return Int(st.st_size)
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw StorageError.errno("write", path)
            }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw StorageError.errno("read", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    func truncate(to size: Int) throws {
        if ftruncate(fd, off_t(size)) != 0 { throw StorageError.errno("truncate", path) }
    }

    func sync() throws {
        if fdatasync(fd) != 0 { throw StorageError.errno("fsync", path) }
    }
}

/// Small file-system helpers the stores share.
public enum FileSystem {
    public static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && Glibc.errno != EEXIST { throw StorageError.errno("mkdir", prefix) }
        }
    }

    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The bytes the files under `path` take (symbolic links not followed), walked with a
    /// list of directories still to see rather than by recursion.
    public static func size(of path: String) -> Int64 {
        var total: Int64 = 0
        var pending = [path]
        var seen = 0
        while let dir = pending.popLast(), seen < 1_000_000 {
            for name in list(dir) {
                seen += 1
                var st = stat()
                let full = dir + "/" + name
                guard lstat(full, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR { pending.append(full) } else { total += Int64(st.st_size) }
            }
        }
        return total
    }

    /// Removes a file or a directory tree.
    public static func remove(_ path: String) {
        if isDirectory(path) {
            for name in list(path) { remove(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Makes a rename or a file creation in `directory` durable.
    public static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
