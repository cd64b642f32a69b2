import Foundation

/// What went wrong starting or driving the browser.
struct WebDriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A headless Chromium session driven through chromedriver's W3C WebDriver HTTP
/// API: a chromedriver process of its own on a free local port, one session.
/// Use `Browser.with { … }`, which always ends the session and the driver.
final class Browser {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    /// The element key of the W3C protocol.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    private let driver: Process
    private let profile: URL
    /// `http://127.0.0.1:<port>/session/<id>`.
    private let session: URL

    private init(driver: Process, profile: URL, session: URL) {
        self.driver = driver
        self.profile = profile
        self.session = session
    }

    /// Runs `body` with a fresh browser of `width` × `height` CSS pixels, then ends it.
    static func with<T>(width: Int = 1400, height: Int = 1000, _ body: (Browser) async throws -> T) async throws -> T {
        let browser = try await start(width: width, height: height)
        do {
            let result = try await body(browser)
            await browser.quit()
            return result
        } catch {
            await browser.quit()
            throw error
        }
    }

    /// Starts chromedriver and a headless Chromium session that keeps the browser's console log.
    static func start(width: Int, height: Int) async throws -> Browser {
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: chromium), manager.isExecutableFile(atPath: chromedriver) else {
            throw WebDriverError("the browser tests need \(chromium) and \(chromedriver): run scripts/setup-debian")
        }
        let port = try freePort()
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: chromedriver)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let profile = manager.temporaryDirectory.appendingPathComponent("layerlens-chromium-\(UUID().uuidString)")
        do {
            try await waitForDriver(base)
            var arguments = ["--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                             "--user-data-dir=\(profile.path)", "--no-first-run", "--hide-scrollbars"]
            if getuid() == 0 { arguments.append("--no-sandbox") }  // Chromium refuses to run as root with its sandbox
            let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:chromeOptions": ["binary": chromium, "args": arguments],
                "goog:loggingPrefs": ["browser": "ALL"],
            ]]]
            let reply = try await request("POST", base.appendingPathComponent("session"), capabilities)
            guard let id = (reply as? [String: Any])?["sessionId"] as? String else {
                throw WebDriverError("chromedriver started no session: \(String(describing: reply))")
            }
            return Browser(driver: driver, profile: profile, session: base.appendingPathComponent("session").appendingPathComponent(id))
        } catch {
            stop(driver)
            throw error
        }
    }

    /// Ends the chromedriver process this browser started: SIGTERM, and SIGKILL if it is still there after 2 s.
    private static func stop(_ driver: Process) {
        driver.terminate()
        for _ in 0..<40 where driver.isRunning { usleep(50_000) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        driver.waitUntilExit()
    }

    /// Ends the session (and with it Chromium), then the chromedriver process this browser started.
    func quit() async {
        _ = try? await Self.request("DELETE", session, nil)
        Self.stop(driver)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Loads `url` and waits for the document to load.
    func open(_ url: URL) async throws {
        _ = try await command("POST", "url", ["url": url.absoluteString])
    }

    /// Runs `script` (a function body; `arguments[i]` are `arguments`) in the page; returns its JSON result.
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": script, "args": arguments])
    }

    /// Polls `condition` (a JavaScript expression) until it is truthy, up to `timeout` seconds.
    func wait(until condition: String, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await execute("return Boolean(\(condition));") as? Bool == true { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw WebDriverError("timed out after \(timeout) s waiting for \(condition)")
    }

    /// The WebDriver reference of the first element matching `selector`.
    func element(_ selector: String) async throws -> String {
        let found = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let id = (found as? [String: Any])?[Self.elementKey] as? String else { throw WebDriverError("no element \(selector)") }
        return id
    }

    /// Types `text` into the element `selector` as keystrokes.
    func type(_ text: String, into selector: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "element/\(id)/value", ["text": text])
    }

    /// Clicks the first element matching `selector`, as a person would.
    func click(_ selector: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "element/\(id)/click", [:])
    }

    /// Moves the mouse pointer to (x, y) CSS pixels of the viewport.
    func movePointer(x: Int, y: Int) async throws {
        let move: [String: Any] = ["type": "pointerMove", "duration": 0, "origin": "viewport", "x": x, "y": y]
        _ = try await command("POST", "actions", ["actions": [["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"], "actions": [move]]]])
    }

    /// A screenshot of the viewport as PNG bytes.
    func screenshot() async throws -> Data {
        guard let text = try await command("GET", "screenshot", nil) as? String, let png = Data(base64Encoded: text) else {
            throw WebDriverError("no screenshot")
        }
        return png
    }

    /// The browser console's entries since the last call: level (`SEVERE` for
    /// errors and uncaught exceptions) and message.
    func consoleLog() async throws -> [(level: String, message: String)] {
        let entries = try await command("POST", "se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.map { ($0["level"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    // MARK: - HTTP

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        try await Self.request(method, session.appendingPathComponent(path), body)
    }

    /// One WebDriver call: JSON in, the reply's `value` out; a WebDriver error throws.
    private static func request(_ method: String, _ url: URL, _ body: [String: Any]?) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let data = try exchange(method, url, payload)
        let reply = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = reply?["value"]
        if let failure = value as? [String: Any], let error = failure["error"] as? String {
            throw WebDriverError("\(method) \(url.path): \(error): \(failure["message"] as? String ?? "")")
        }
        return value is NSNull ? nil : value
    }

    /// One HTTP/1.1 exchange with chromedriver on 127.0.0.1 over a socket of its
    /// own (`Connection: close`); returns the response body. Foundation's
    /// URLSession fails on chromedriver's replies on Linux ("Failed writing header").
    private static func exchange(_ method: String, _ url: URL, _ body: Data) throws -> Data {
        var (socket, address) = try loopbackSocket(port: url.port ?? 80)
        defer { close(socket) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw WebDriverError("cannot connect to chromedriver at \(url)") }
        var request = Data("\(method) \(url.path) HTTP/1.1\r\nHost: 127.0.0.1:\(url.port ?? 80)\r\nConnection: close\r\n".utf8)
        request += Data("Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let count = send(socket, bytes.baseAddress! + sent, bytes.count - sent, 0)
                guard count > 0 else { throw WebDriverError("cannot send to chromedriver") }
                sent += count
            }
        }
        // Read the head, then the body by its length (or its chunks): chromedriver may keep the connection open.
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func receive() throws -> Bool {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count < 0 { throw WebDriverError("cannot read from chromedriver") }
            response.append(contentsOf: buffer[0..<count])
            return count > 0
        }
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            guard try receive() else { throw WebDriverError("no HTTP reply from chromedriver") }
            headEnd = response.firstRange(of: Data("\r\n\r\n".utf8))
        }
        let head = String(decoding: response[..<headEnd!.lowerBound], as: UTF8.self).lowercased()
        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
           let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
            while response.count - headEnd!.upperBound < length, try receive() {}
            return Data(response[headEnd!.upperBound..<headEnd!.upperBound + length])
        }
        guard head.contains("transfer-encoding: chunked") else {
            while try receive() {}
            return Data(response[headEnd!.upperBound...])
        }
        while !response[headEnd!.upperBound...].suffix(5).elementsEqual(Data("0\r\n\r\n".utf8)), try receive() {}
        return try dechunk(Data(response[headEnd!.upperBound...]))
    }

    /// The body of a chunked HTTP reply.
    private static func dechunk(_ data: Data) throws -> Data {
        var body = Data(), position = data.startIndex
        while let lineEnd = data[position...].firstRange(of: Data("\r\n".utf8)) {
            guard let size = Int(String(decoding: data[position..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16) else {
                throw WebDriverError("bad chunk in chromedriver's reply")
            }
            if size == 0 { break }
            body += data[lineEnd.upperBound..<lineEnd.upperBound + size]
            position = lineEnd.upperBound + size + 2
        }
        return body
    }

    /// Polls chromedriver's `/status` until it is ready, up to 20 s.
    private static func waitForDriver(_ base: URL) async throws {
        for _ in 0..<400 {
            if let status = try? await request("GET", base.appendingPathComponent("status"), nil) as? [String: Any],
               status["ready"] as? Bool == true {
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw WebDriverError("chromedriver did not start at \(base)")
    }

    /// A new TCP socket and the address of `port` on 127.0.0.1 (0: any free port).
    private static func loopbackSocket(port: Int) throws -> (socket: Int32, address: sockaddr_in) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw WebDriverError("no socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return (socket, address)
    }

    /// A TCP port nothing listens on now: the one the kernel gives a socket bound to port 0.
    private static func freePort() throws -> Int {
        var (socket, address) = try loopbackSocket(port: 0)
        defer { close(socket) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw WebDriverError("cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
