//! `ticketlint lsp` driven by a scripted JSON-RPC client: the real binary, Content-Length
//! framed JSON over its stdin/stdout.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Messages read but not yet asked for.
    backlog: VecDeque<Value>,
    /// The server's log (stderr), shown when a wait fails.
    log: Arc<Mutex<String>>,
    next_id: i64,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Client {
    fn start(cwd: &Path) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ticketlint"));
        cmd.arg("lsp").current_dir(cwd);
        Client::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Client {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ticketlint lsp");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    return;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(':').expect("a header");
                    assert!(line.ends_with(value) && !value.is_empty());
                    if name.eq_ignore_ascii_case("content-length") {
                        len = Some(value.trim().parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; len.expect("Content-Length")];
                r.read_exact(&mut body).unwrap();
                let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                assert_eq!(v["jsonrpc"], "2.0", "{v}");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            backlog: VecDeque::new(),
            log,
            next_id: 1,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        let mut v = v;
        v["jsonrpc"] = "2.0".into();
        self.write(&frame(v.to_string().as_bytes()));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"method": method, "params": params}));
    }

    fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"id": id, "method": method, "params": params}));
        id
    }

    /// The next message matching `pred`, leaving the others in the backlog.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            match self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(v) if pred(&v) => return v,
                Ok(v) => self.backlog.push_back(v),
                Err(e) => panic!(
                    "{} waiting for {what}; unclaimed messages: {:?}\nserver log:\n{}",
                    if e == RecvTimeoutError::Timeout {
                        "timed out"
                    } else {
                        "stdout closed"
                    },
                    self.backlog,
                    self.log.lock().unwrap()
                ),
            }
        }
    }

    fn response(&mut self, id: Value) -> Value {
        self.wait_for(&format!("the response to {id}"), |v| {
            v["id"] == id && v.get("method").is_none()
        })
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        let r = self.response(json!(id));
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        self.wait_for(&format!("diagnostics for {uri}"), |v| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// `shutdown` then `exit`; returns the exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(&mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited normally");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn with_rule<'a>(diags: &'a Value, rule: &str) -> Vec<&'a Value> {
    diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == rule)
        .collect()
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A line with accented text and an emoji before the finding: the column differs by encoding.
#[test]
fn positions_are_utf16_by_default_and_utf8_when_offered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("résumé reply.txt");
    let line = "Café ☕ and 😀 aside, that was user error.";
    let text = format!("Hi Pat,\n\n{line} Please restart your laptop.\n");
    let uri = file_uri(&path);
    let before = &line[..line.find("user error").unwrap()];

    let mut default = Client::start(dir.path());
    let init = default.initialize(json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "ticketlint");
    let diags = default.open(&uri, "plaintext", &text);
    assert_eq!(diags["version"], 1);
    let blame = with_rule(&diags, "blame-language");
    assert_eq!(blame.len(), 1, "{diags}");
    let utf16 = &blame[0]["range"];
    assert_eq!(utf16["start"], json!({"line": 2, "character": utf16_len(before)}));
    assert_eq!(utf16["end"], json!({"line": 2, "character": utf16_len(before) + 10}));
    assert_eq!(blame[0]["severity"], 2);
    assert_eq!(blame[0]["source"], "ticketlint");
    assert!(blame[0]["message"].as_str().unwrap().contains("\"user error\""));
    assert_eq!(default.shutdown(), 0);

    let mut utf8 = Client::start(dir.path());
    let init = utf8.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let diags = utf8.open(&uri, "plaintext", &text);
    let blame = with_rule(&diags, "blame-language");
    assert_eq!(
        blame[0]["range"]["start"],
        json!({"line": 2, "character": before.len()})
    );
    assert_eq!(
        blame[0]["range"]["end"],
        json!({"line": 2, "character": before.len() + 10})
    );
    // é is 1 UTF-16 unit and 2 bytes, ☕ 1 and 3, 😀 2 and 4.
    assert_eq!(before.len() - utf16_len(before), 1 + 2 + 2);
    assert_eq!(utf8.shutdown(), 0);
}

/// The whole life of a session: open, change, code actions, bad input, shutdown.
#[test]
fn open_change_code_actions_malformed_input_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("vpn.md"));
    let text = "# VPN\n\nPlease clear the DNS cache. That was user error.\n";
    let mut c = Client::start(dir.path());
    let init = c.initialize(json!({"textDocument": {"codeAction": {"dataSupport": true}}}));
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.ticketlint"])
    );

    let diags = c.open(&uri, "markdown", text);
    assert_eq!(with_rule(&diags, "blame-language").len(), 1, "{diags}");
    let jargon = with_rule(&diags, "unexplained-jargon");
    assert_eq!(jargon.len(), 1, "{diags}");
    let dns_col = text.lines().nth(2).unwrap().find("DNS").unwrap();
    let dns_range = json!({"start": {"line": 2, "character": dns_col}, "end": {"line": 2, "character": dns_col + 3}});
    assert_eq!(jargon[0]["range"], dns_range);

    // Code actions on "DNS": the fix, then disable for this line, then for this file.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": dns_range, "context": {"diagnostics": [jargon[0]]}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(actions.len(), 3, "{titles:?}");
    let fix = &actions[0];
    assert!(
        titles[0].starts_with("Replace \"DNS\" with \"DNS (the internet"),
        "{titles:?}"
    );
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], false, "the jargon fix is unsafe");
    assert_eq!(fix["diagnostics"][0]["code"], "unexplained-jargon");
    let edits = &fix["edit"]["changes"][&uri];
    assert_eq!(edits[0]["range"], dns_range);
    assert!(
        edits[0]["newText"]
            .as_str()
            .unwrap()
            .starts_with("DNS (the internet's directory")
    );

    assert_eq!(titles[1], "Disable unexplained-jargon for this line");
    let line_edit = &actions[1]["edit"]["changes"][&uri][0];
    assert_eq!(
        line_edit["range"],
        json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}})
    );
    assert_eq!(
        line_edit["newText"],
        "<!-- ticketlint-disable-next-line unexplained-jargon -->\n"
    );
    assert_eq!(titles[2], "Disable unexplained-jargon for this file");
    let file_edit = &actions[2]["edit"]["changes"][&uri][0];
    assert_eq!(
        file_edit["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );
    assert_eq!(file_edit["newText"], "<!-- ticketlint-disable unexplained-jargon -->\n");

    // `only` filters by kind: no source actions here (no safe fixes), no quickfixes asked for.
    let none = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": dns_range,
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    assert_eq!(none, json!([]));

    // An incremental change replaces "user error" with "a mix-up": new diagnostics, new version.
    let line = text.lines().nth(2).unwrap();
    let at = line.find("user error").unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 2, "character": at}, "end": {"line": 2, "character": at + 10}}, "text": "a mix-up"}
        ]}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags["version"], 2);
    assert!(with_rule(&diags, "blame-language").is_empty(), "{diags}");
    assert_eq!(with_rule(&diags, "unexplained-jargon").len(), 1);

    // Malformed input: a body that is not JSON, a message that is not JSON-RPC, bad params,
    // an unknown method, a header without a length. Each is answered or skipped; the server
    // goes on.
    c.write(&frame(b"{this is not json"));
    let parse_error = c.wait_for("a parse error", |v| v["error"]["code"] == -32700);
    assert_eq!(parse_error["id"], Value::Null);
    c.write(&frame(br#"{"jsonrpc":"2.0","id":99,"method":42}"#));
    assert_eq!(c.response(json!(99))["error"]["code"], -32600);
    let bad = c.request_async("textDocument/codeAction", json!({"textDocument": {"uri": 5}}));
    assert_eq!(c.response(json!(bad))["error"]["code"], -32602);
    let unknown = c.request_async("ticketlint/nonsense", json!({}));
    assert_eq!(c.response(json!(unknown))["error"]["code"], -32601);
    c.write(b"X-Garbage: 1\r\n\r\n");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": 7}}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///not/open.md", "version": 1}, "contentChanges": []}),
    );

    // Still working: a full-text change brings the blame back.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags["version"], 3);
    assert_eq!(with_rule(&diags, "blame-language").len(), 1, "{diags}");

    // didClose clears.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    let cleared = c.diagnostics(&uri);
    assert_eq!(cleared["diagnostics"], json!([]));

    assert_eq!(c.shutdown(), 0);
}

/// Changes in quick succession are coalesced: one check, of the latest text.
#[test]
fn changes_are_debounced_and_the_latest_text_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("reply.txt"));
    let mut c = Client::start(dir.path());
    c.initialize(json!({}));
    c.open(&uri, "plaintext", "Hi,\n\nPlease restart your laptop.\n");
    let mut burst = Vec::new();
    for version in 2..=6 {
        let text = if version == 6 {
            "Hi,\n\nThat was user error. Please restart your laptop.\n"
        } else {
            "Hi,\n\nPlease restart your laptop now.\n"
        };
        let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}});
        burst.extend(frame(msg.to_string().as_bytes()));
    }
    c.write(&burst);
    let diags = c.diagnostics(&uri);
    assert_eq!(diags["version"], 6, "one check, of the latest version");
    assert_eq!(with_rule(&diags, "blame-language").len(), 1);
    assert_eq!(c.shutdown(), 0);
}

/// `.ticketlint.toml` is found from the document's path and reloaded when it changes, both on
/// `workspace/didChangeWatchedFiles` and by its modification stamp before a check.
#[test]
fn config_is_found_per_document_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team");
    std::fs::create_dir(&team).unwrap();
    let config = team.join(".ticketlint.toml");
    std::fs::write(&config, "ignore = [\"blame-language\"]\n").unwrap();
    let text = "Hi,\n\nThat was user error. Please restart your laptop.\n";
    let in_team = file_uri(&team.join("reply.txt"));
    let outside = file_uri(&dir.path().join("reply.txt"));

    let mut c = Client::start(dir.path());
    let init = c.initialize(json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}));
    assert!(init["capabilities"].is_object());
    // The server asks to watch config files; answer it.
    let reg = c.wait_for("client/registerCapability", |v| {
        v["method"] == "client/registerCapability"
    });
    let watcher = &reg["params"]["registrations"][0];
    assert_eq!(watcher["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        watcher["registerOptions"]["watchers"][0]["globPattern"],
        "**/.ticketlint.toml"
    );
    c.send(json!({"id": reg["id"], "result": null}));

    let diags = c.open(&in_team, "plaintext", text);
    assert!(
        with_rule(&diags, "blame-language").is_empty(),
        "ignored by team/.ticketlint.toml: {diags}"
    );
    let diags = c.open(&outside, "plaintext", text);
    assert_eq!(
        with_rule(&diags, "blame-language").len(),
        1,
        "no config outside team/: {diags}"
    );

    // Watched-file notification: the config no longer ignores the rule.
    std::fs::write(&config, "ignore = []\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    // Every open document is checked again.
    let team_diags = c.diagnostics(&in_team);
    assert_eq!(with_rule(&team_diags, "blame-language").len(), 1, "{team_diags}");
    assert_eq!(with_rule(&c.diagnostics(&outside), "blame-language").len(), 1);

    // No notification: the changed stamp (length) is seen before the next check.
    std::fs::write(&config, "ignore = [ \"blame-language\" ]\n").unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": in_team, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let diags = c.diagnostics(&in_team);
    assert_eq!(diags["version"], 2);
    assert!(with_rule(&diags, "blame-language").is_empty(), "{diags}");

    // A broken config is one error diagnostic at the top, not a crash.
    std::fs::write(&config, "bogus = true\n").unwrap();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": in_team, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    let diags = c.diagnostics(&in_team);
    let all = diags["diagnostics"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{diags}");
    assert_eq!(all[0]["severity"], 1);
    assert!(
        all[0]["message"].as_str().unwrap().contains("unknown field `bogus`"),
        "{diags}"
    );
    assert_eq!(c.shutdown(), 0);
}

/// Unsaved buffers use the built-in defaults; huge documents get one note instead of a check.
#[test]
fn untitled_buffers_and_huge_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path());
    c.initialize(json!({}));
    let diags = c.open(
        "untitled:Untitled-1",
        "markdown",
        "That was `user error`. That was user error.\n",
    );
    let blame = with_rule(&diags, "blame-language");
    assert_eq!(blame.len(), 1, "inline code is skipped in Markdown: {diags}");
    assert_eq!(blame[0]["range"]["start"]["character"], 32);

    // An e-mail with a base64 body: checked decoded, findings listed at the top.
    let eml = "From: a@example.com\nSubject: hi\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGksCgpUaGF0IHdhcyB1c2VyIGVycm9yLiBQbGVhc2UgcmVzdGFydCB5b3VyIGxhcHRvcCBhbmQgcmVwbHkgaWYgaXQgaGFwcGVucyBhZ2Fpbi4K\n";
    let diags = c.open(&file_uri(&dir.path().join("reply.eml")), "mail", eml);
    let all = diags["diagnostics"].as_array().unwrap();
    assert!(
        all[0]["message"].as_str().unwrap().contains("body is encoded"),
        "{diags}"
    );
    assert!(
        all.iter()
            .all(|d| d["range"]["start"] == json!({"line": 0, "character": 0}))
    );
    assert!(
        all.iter().any(|d| d["message"].as_str().unwrap().starts_with("3:10: ")
            && d["message"].as_str().unwrap().ends_with("[blame-language]")),
        "{diags}"
    );

    let huge = "That was user error.\n".repeat(300_000); // 6.3 MB
    let diags = c.open("untitled:Untitled-2", "plaintext", &huge);
    let all = diags["diagnostics"].as_array().unwrap();
    assert_eq!(all.len(), 1, "one note");
    assert_eq!(all[0]["severity"], 3);
    assert!(all[0]["message"].as_str().unwrap().contains("not checked"));
    assert_eq!(c.shutdown(), 0);
}

/// `exit` without `shutdown` exits with 1, as the spec says; requests before `initialize` fail.
#[test]
fn exit_without_shutdown_and_requests_before_initialize() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path());
    let early = c.request_async("textDocument/codeAction", json!({}));
    assert_eq!(c.response(json!(early))["error"]["code"], -32002);
    c.initialize(json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 1);
}

// ---- The editor snippets in the README: the same files, and the commands they run. ----

const README: &str = include_str!("../README.md");
const NEOVIM: &str = include_str!("../editors/neovim/ticketlint.lua");
const HELIX: &str = include_str!("../editors/helix/languages.toml");
const EFM: &str = include_str!("../editors/efm-langserver/config.yaml");
const EMACS: &str = include_str!("../editors/emacs/ticketlint.el");
const VSCODE: &str = include_str!("../editors/vscode/settings.json");

#[test]
fn readme_shows_the_editor_snippets_verbatim() {
    for (file, text) in [
        ("editors/neovim/ticketlint.lua", NEOVIM),
        ("editors/helix/languages.toml", HELIX),
        ("editors/efm-langserver/config.yaml", EFM),
        ("editors/emacs/ticketlint.el", EMACS),
        ("editors/vscode/settings.json", VSCODE),
    ] {
        assert!(
            README.contains(text.trim_end()),
            "README.md must contain {file} verbatim (copy the file into its code block)"
        );
    }
}

/// The bin directory of the binary under test, for snippets that run `ticketlint` from PATH.
fn path_with_binary() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_ticketlint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

/// Start the server exactly as a snippet says (`program args...`, from PATH) and go through
/// initialize / didOpen / diagnostics / shutdown.
fn snippet_command_serves(program: &str, args: &[&str]) {
    assert_eq!(program, "ticketlint");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(program);
    cmd.args(args).env("PATH", path_with_binary()).current_dir(dir.path());
    let mut c = Client::spawn(cmd);
    c.initialize(json!({}));
    let uri = file_uri(&dir.path().join("kb.md"));
    let diags = c.open(&uri, "markdown", "That was user error.\n");
    assert_eq!(with_rule(&diags, "blame-language").len(), 1, "{diags}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn the_server_commands_in_the_snippets_work() {
    // Neovim: cmd = { 'ticketlint', 'lsp' }
    let nvim = regex::Regex::new(r"cmd = \{ '([^']+)', '([^']+)' \}").unwrap();
    let m = nvim.captures(NEOVIM).expect("cmd in the Neovim snippet");
    snippet_command_serves(&m[1], &[&m[2]]);
    // Helix: [language-server.ticketlint] command + args.
    let helix: toml::Value = toml::from_str(HELIX).unwrap();
    let server = &helix["language-server"]["ticketlint"];
    let args: Vec<&str> = server["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        helix["language"][0]["language-servers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str() == Some("ticketlint"))
    );
    snippet_command_serves(server["command"].as_str().unwrap(), &args);
    // VS Code (Generic LSP Client): glspc.server.command + commandArguments.
    let vscode: Value = serde_json::from_str(VSCODE).unwrap();
    let args: Vec<&str> = vscode["glspc.server.commandArguments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    snippet_command_serves(vscode["glspc.server.command"].as_str().unwrap(), &args);
    // Emacs (Eglot): ("ticketlint" "lsp").
    let eglot = regex::Regex::new(r#"\. \("([^"]+)" "([^"]+)"\)"#).unwrap();
    let m = eglot.captures(EMACS).expect("server program in the Emacs snippet");
    snippet_command_serves(&m[1], &[&m[2]]);
}

/// efm-langserver's `lint-command` run as efm runs it (`${INPUT}` replaced by the file name, the
/// buffer on stdin, through `sh -c`), its output read with the snippet's `lint-formats`.
#[test]
fn the_efm_lint_command_and_formats_work() {
    let line = EFM
        .lines()
        .find_map(|l| l.trim().strip_prefix("lint-command: "))
        .expect("lint-command");
    let command = line.trim_matches('\'');
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("kb article.md");
    let shell_quoted = format!("'{}'", input.display());
    let text = "# VPN\n\nCafé: that was user error. Please restart your laptop.\n";
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command.replace("${INPUT}", &shell_quoted))
        .env("PATH", path_with_binary())
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    // `%f:%l:%c: %trror: %m` and the warning/info variants, as one regex.
    let formats: Vec<&str> = EFM
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- '"))
        .map(|l| l.trim_end_matches('\''))
        .collect();
    assert_eq!(
        formats,
        ["%f:%l:%c: %trror: %m", "%f:%l:%c: %tarning: %m", "%f:%l:%c: %tnfo: %m"]
    );
    let efm = regex::Regex::new(r"^(.+):(\d+):(\d+): ([ewi])(?:rror|arning|nfo): (.+)$").unwrap();
    let hits: Vec<_> = out.lines().filter_map(|l| efm.captures(l)).collect();
    assert_eq!(hits.len(), out.lines().count(), "every line matches a format: {out}");
    let blame = hits.iter().find(|c| c[5].ends_with("[blame-language]")).expect(&out);
    assert_eq!(&blame[1], input.to_str().unwrap());
    assert_eq!((&blame[2], &blame[4]), ("3", "w"));
    // Byte column, as `%c` expects: "Café: that was " is 16 bytes.
    assert_eq!(&blame[3], "17");
}

/// efm-langserver itself (when installed) with the README config: it runs the lint command
/// and publishes ticketlint's findings.
#[test]
fn efm_langserver_publishes_findings_with_the_readme_config() {
    if Command::new("efm-langserver").arg("-v").output().is_err() {
        eprintln!("skipped: efm-langserver not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, EFM).unwrap();
    let path = dir.path().join("kb.md");
    let text = "# VPN\n\nThat was user error. Please restart your laptop.\n";
    std::fs::write(&path, text).unwrap();
    let mut cmd = Command::new("efm-langserver");
    cmd.arg("-c")
        .arg(&config)
        .env("PATH", path_with_binary())
        .current_dir(dir.path());
    let mut c = Client::spawn(cmd);
    c.initialize(json!({}));
    let uri = file_uri(&path);
    let diags = c.open(&uri, "markdown", text);
    let diags = if diags["diagnostics"].as_array().unwrap().is_empty() {
        c.diagnostics(&uri) // efm may publish an empty set first
    } else {
        diags
    };
    let all = diags["diagnostics"].as_array().unwrap();
    let blame = all
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("[blame-language]"))
        .unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(blame["range"]["start"], json!({"line": 2, "character": 9}));
    assert_eq!(blame["severity"], 2);
}

/// The "disable" code actions' edits, applied as an editor would, suppress the finding.
#[test]
fn disable_actions_suppress_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let uri = file_uri(&dir.path().join("reply.md"));
    let text = "Hi Pat,\n\nWe looked at the logs.\nThat was user error. Please clear the DNS cache and reply if it happens again.\n";
    let mut c = Client::start(dir.path());
    c.initialize(json!({"general": {"positionEncodings": ["utf-8"]}}));
    let mut current = c.open(&uri, "markdown", text);
    for (version, rule, scope) in [(2, "blame-language", "line"), (3, "unexplained-jargon", "file")] {
        let found = with_rule(&current, rule)[0].clone();
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": found["range"], "context": {"diagnostics": [found]}}),
        );
        let title = format!("Disable {rule} for this {scope}");
        let action = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == title.as_str())
            .unwrap_or_else(|| panic!("no {title:?} in {actions}"));
        let edit = &action["edit"]["changes"][&uri][0];
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
        );
        current = c.diagnostics(&uri);
        assert_eq!(current["version"], version);
        assert!(with_rule(&current, rule).is_empty(), "{title}: {current}");
    }
    // The blame finding stays suppressed after the file directive went in above it.
    assert!(with_rule(&current, "blame-language").is_empty(), "{current}");
    assert_eq!(c.shutdown(), 0);
}
