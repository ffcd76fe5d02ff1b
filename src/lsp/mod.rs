//! `ticketlint lsp`: a language server over stdin/stdout (LSP 3.17).
//!
//! - Lints the in-memory buffer: on `didOpen` and `didSave` at once, on `didChange` after a
//!   quiet spell of [`DEBOUNCE`] (changes are coalesced per document; the latest text is
//!   checked, at the latest [`MAX_DELAY`] after the first unchecked change). `didClose` clears.
//! - Positions in the negotiated encoding ([`position`]): UTF-16 unless the client offers
//!   UTF-8 in `general.positionEncodings`.
//! - Code actions ([`actions`]): a finding's fix, "disable RULE for this line / file" via inline
//!   directives, and `source.fixAll.ticketlint` for safe fixes.
//! - Config per document, found from its path and reloaded when it changes ([`configs`]).
//! - Robust: malformed frames and payloads get a JSON-RPC error and the server goes on
//!   ([`transport`]); each message is handled under `catch_unwind`; documents over
//!   [`MAX_CHECK_BYTES`] are not checked (one informational diagnostic says so).

pub mod actions;
pub mod configs;
pub mod position;
pub mod transport;

use crate::diagnostic::{Applicability, Diagnostic, Severity, Span};
use crate::document::InputFormat;
use crate::walk::{self, Overrides};
use configs::Configs;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, InitializeParams, InitializeResult, NumberOrString,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit,
    Uri,
};
use position::{Encoding, LineMap};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};
use transport::{Incoming, Outgoing, Transport};

/// Quiet time after a change before the document is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(200);
/// Longest wait for a check while changes keep coming.
pub const MAX_DELAY: Duration = Duration::from_millis(1000);
/// Documents larger than this are not checked.
pub const MAX_CHECK_BYTES: usize = 5 * 1024 * 1024;
/// A check slower than this is logged.
const SLOW_CHECK: Duration = Duration::from_secs(1);

pub const SOURCE: &str = "ticketlint";
pub const FIX_ALL: &str = "source.fixAll.ticketlint";

/// Run the server on stdin/stdout; returns the process exit code (0 after `shutdown` +
/// `exit`, 1 on `exit` without `shutdown` or when the client goes away).
pub fn run() -> i32 {
    let transport = Transport::stdio();
    let mut server = Server::new(transport.outgoing.clone());
    let code = server.serve(&transport.incoming);
    drop(server);
    transport.finish();
    code
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShuttingDown,
}

/// The result of the last check of a document.
#[derive(Debug)]
struct Checked {
    version: i32,
    format: InputFormat,
    /// Findings with the LSP diagnostics published for them.
    findings: Vec<(Diagnostic, lsp_types::Diagnostic)>,
}

#[derive(Debug)]
struct Doc {
    path: Option<PathBuf>,
    language_id: String,
    version: i32,
    text: String,
    /// (due, first unchecked change) while a debounced check is pending.
    pending: Option<(Instant, Instant)>,
    last: Option<Checked>,
}

struct Server {
    out: Sender<Outgoing>,
    state: State,
    encoding: Encoding,
    watch_dynamically: bool,
    docs: HashMap<Uri, Doc>,
    configs: Configs,
}

impl Server {
    fn new(out: Sender<Outgoing>) -> Server {
        Server {
            out,
            state: State::Uninitialized,
            encoding: Encoding::Utf16,
            watch_dynamically: false,
            docs: HashMap::new(),
            configs: Configs::default(),
        }
    }

    fn serve(&mut self, rx: &Receiver<Incoming>) -> i32 {
        loop {
            let due = self.docs.values().filter_map(|d| d.pending.map(|p| p.0)).min();
            let item = match due {
                Some(t) => match rx.recv_timeout(t.saturating_duration_since(Instant::now())) {
                    Ok(item) => Some(item),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return self.gone(),
                },
                None => match rx.recv() {
                    Ok(item) => Some(item),
                    Err(_) => return self.gone(),
                },
            };
            if let Some(item) = item {
                let request_id = match &item {
                    Incoming::Message(Message::Request(r)) => Some(r.id.clone()),
                    _ => None,
                };
                match catch_unwind(AssertUnwindSafe(|| self.handle(item))) {
                    Ok(Some(code)) => return code,
                    Ok(None) => {}
                    Err(_) => {
                        eprintln!("ticketlint lsp: internal error while handling a message (see the panic above)");
                        if let Some(id) = request_id {
                            self.error(id, ErrorCode::InternalError, "internal error in ticketlint".into());
                        }
                    }
                }
            }
            self.run_due();
        }
    }

    /// The client closed stdin without `exit`.
    fn gone(&self) -> i32 {
        if self.state == State::ShuttingDown { 0 } else { 1 }
    }

    fn send(&self, m: impl Into<Message>) {
        let _ = self.out.send(Outgoing::Message(m.into()));
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    /// Handle one message; `Some(code)` ends the server.
    fn handle(&mut self, item: Incoming) -> Option<i32> {
        match item {
            Incoming::Malformed { id, error, parse_error } => {
                eprintln!("ticketlint lsp: {error}");
                let code = if parse_error {
                    ErrorCode::ParseError
                } else {
                    ErrorCode::InvalidRequest
                };
                // A parse error is answered with id null; an invalid notification is not answered.
                if parse_error || id.is_some() {
                    let _ = self.out.send(Outgoing::Raw(serde_json::json!({
                        "id": id,
                        "error": {"code": code as i32, "message": error},
                    })));
                }
                None
            }
            Incoming::Message(Message::Request(req)) => {
                self.on_request(req);
                None
            }
            Incoming::Message(Message::Notification(n)) => self.on_notification(n),
            Incoming::Message(Message::Response(r)) => {
                if let Err(e) = r.response_result {
                    eprintln!(
                        "ticketlint lsp: the client answered request {} with an error: {}",
                        r.id, e.message
                    );
                }
                None
            }
        }
    }

    fn on_request(&mut self, req: Request) {
        match (self.state, req.method.as_str()) {
            (State::Uninitialized, "initialize") => {}
            (State::Uninitialized, _) => {
                return self.error(req.id, ErrorCode::ServerNotInitialized, "initialize first".into());
            }
            (State::ShuttingDown, _) => {
                return self.error(req.id, ErrorCode::InvalidRequest, "the server is shutting down".into());
            }
            (State::Running, "initialize") => {
                return self.error(req.id, ErrorCode::InvalidRequest, "initialize was already sent".into());
            }
            (State::Running, _) => {}
        }
        let id = req.id.clone();
        match req.method.as_str() {
            "initialize" => {
                let Some(params) = self.params::<InitializeParams>(&id, req.params) else {
                    return;
                };
                let result = self.initialize(&params);
                self.state = State::Running;
                self.send(Response::new_ok(id, result));
            }
            "shutdown" => {
                self.state = State::ShuttingDown;
                self.send(Response::new_ok(id, ()));
            }
            "textDocument/codeAction" => {
                let Some(params) = self.params::<CodeActionParams>(&id, req.params) else {
                    return;
                };
                let actions = self.code_actions(params);
                self.send(Response::new_ok(id, actions));
            }
            other => self.error(id, ErrorCode::MethodNotFound, format!("unsupported request `{other}`")),
        }
    }

    /// Request params, or an InvalidParams error sent.
    fn params<P: DeserializeOwned>(&self, id: &RequestId, params: serde_json::Value) -> Option<P> {
        match serde_json::from_value(params) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("ticketlint lsp: invalid params for request {id}: {e}");
                self.error(id.clone(), ErrorCode::InvalidParams, format!("invalid params: {e}"));
                None
            }
        }
    }

    fn initialize(&mut self, params: &InitializeParams) -> InitializeResult {
        let caps = &params.capabilities;
        self.encoding = Encoding::negotiate(caps.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
        self.watch_dynamically = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                })),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
                    ..CodeActionOptions::default()
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "ticketlint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn on_notification(&mut self, n: Notification) -> Option<i32> {
        if n.method == "exit" {
            return Some(if self.state == State::ShuttingDown { 0 } else { 1 });
        }
        if self.state != State::Running {
            return None;
        }
        fn parse<P: DeserializeOwned>(n: Notification) -> Option<P> {
            serde_json::from_value(n.params)
                .map_err(|e| eprintln!("ticketlint lsp: invalid params for `{}`: {e}", n.method))
                .ok()
        }
        match n.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                let p: DidOpenTextDocumentParams = parse(n)?;
                let d = p.text_document;
                self.docs.insert(
                    d.uri.clone(),
                    Doc {
                        path: file_path(&d.uri),
                        language_id: d.language_id,
                        version: d.version,
                        text: d.text,
                        pending: None,
                        last: None,
                    },
                );
                self.lint(&d.uri);
            }
            "textDocument/didChange" => {
                let p: DidChangeTextDocumentParams = parse(n)?;
                let enc = self.encoding;
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
                    eprintln!("ticketlint lsp: didChange for a document that is not open");
                    return None;
                };
                position::apply_changes(&mut doc.text, p.content_changes, enc);
                doc.version = p.text_document.version;
                let now = Instant::now();
                let first = doc.pending.map_or(now, |p| p.1);
                doc.pending = Some(((now + DEBOUNCE).min(first + MAX_DELAY), first));
            }
            "textDocument/didSave" => {
                let p: DidSaveTextDocumentParams = parse(n)?;
                self.configs.retry_failed();
                if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                    // A saved `.ticketlint.toml` may be the config of other open documents.
                    if doc.path.as_deref().and_then(Path::file_name) == Some(crate::config::CONFIG_FILE.as_ref()) {
                        let changed = doc.path.clone().into_iter().collect::<Vec<_>>();
                        self.configs.invalidate(&changed);
                        self.lint_all();
                    } else {
                        self.lint(&p.text_document.uri);
                    }
                }
            }
            "textDocument/didClose" => {
                let p: DidCloseTextDocumentParams = parse(n)?;
                if self.docs.remove(&p.text_document.uri).is_some() {
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p: DidChangeWatchedFilesParams = parse(n)?;
                let changed: Vec<PathBuf> = p.changes.iter().filter_map(|c| file_path(&c.uri)).collect();
                eprintln!("ticketlint lsp: config files changed: {changed:?}");
                self.configs.invalidate(&changed);
                self.lint_all();
            }
            _ => {} // $/cancelRequest, $/setTrace, didChangeConfiguration, ...
        }
        None
    }

    /// Ask the client to tell us about config changes, when it can register watchers.
    fn register_watchers(&self) {
        if !self.watch_dynamically {
            return;
        }
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "ticketlint-config".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: Some(serde_json::json!({
                    "watchers": [{"globPattern": format!("**/{}", crate::config::CONFIG_FILE)}]
                })),
            }],
        };
        self.send(Request::new(
            RequestId::from("ticketlint-register-watchers".to_string()),
            "client/registerCapability".into(),
            params,
        ));
    }

    fn run_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.pending.is_some_and(|p| p.0 <= now))
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.lint(&uri);
        }
    }

    fn lint_all(&mut self) {
        let uris: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in uris {
            self.lint(&uri);
        }
    }

    /// Check a document now and publish its diagnostics.
    fn lint(&mut self, uri: &Uri) {
        let enc = self.encoding;
        let Some(doc) = self.docs.get_mut(uri) else { return };
        doc.pending = None;
        let format = input_format(doc.path.as_deref(), &doc.language_id);
        let started = Instant::now();
        let (findings, notes) = check(&mut self.configs, doc, uri, format);
        if started.elapsed() > SLOW_CHECK {
            eprintln!("ticketlint lsp: checking {} took {:?}", uri.as_str(), started.elapsed());
        }
        let map = LineMap::new(&doc.text);
        let findings: Vec<(Diagnostic, lsp_types::Diagnostic)> = findings
            .into_iter()
            .map(|d| {
                let l = to_lsp(&doc.text, &map, enc, &d);
                (d, l)
            })
            .collect();
        let mut published: Vec<lsp_types::Diagnostic> = notes
            .into_iter()
            .map(|(severity, message)| lsp_types::Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(lsp_severity(severity)),
                source: Some(SOURCE.into()),
                message,
                ..lsp_types::Diagnostic::default()
            })
            .collect();
        published.extend(findings.iter().map(|(_, l)| l.clone()));
        let version = doc.version;
        doc.last = Some(Checked {
            version,
            format,
            findings,
        });
        self.publish(uri.clone(), published, Some(version));
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        ));
    }

    fn code_actions(&mut self, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = params.text_document.uri;
        let stale = match self.docs.get(&uri) {
            None => return Vec::new(),
            Some(d) => d.pending.is_some() || d.last.as_ref().is_none_or(|c| c.version != d.version),
        };
        if stale {
            self.lint(&uri);
        }
        let enc = self.encoding;
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let Some(last) = &doc.last else { return Vec::new() };
        let text = doc.text.as_str();
        let map = LineMap::new(text);
        let start = map.offset(text, params.range.start, enc);
        let end = map.offset(text, params.range.end, enc).max(start);
        let only = params.context.only.as_deref();
        let wanted = |kind: &str| {
            only.is_none_or(|only| {
                only.iter().any(|k| {
                    let k = k.as_str();
                    kind == k || (kind.starts_with(k) && kind.as_bytes().get(k.len()) == Some(&b'.'))
                })
            })
        };
        let mut out: Vec<CodeAction> = Vec::new();
        let mut disables: Vec<CodeAction> = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            for (d, l) in last
                .findings
                .iter()
                .filter(|(d, _)| d.span.start <= end && start <= d.span.end)
            {
                if let Some(edits) = actions::fix_edits(text, &map, enc, d) {
                    out.push(CodeAction {
                        title: actions::fix_title(text, d),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![l.clone()]),
                        edit: Some(actions::edit(&uri, edits)),
                        is_preferred: Some(d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe)),
                        ..CodeAction::default()
                    });
                }
                let line = actions::disable_line(text, last.format, d.span, &d.rule)
                    .map(|ins| (format!("Disable {} for this line", d.rule), ins));
                let file = actions::disable_file(text, last.format, &d.rule)
                    .map(|ins| (format!("Disable {} for this file", d.rule), ins));
                for (title, ins) in line.into_iter().chain(file) {
                    match disables.iter_mut().find(|a| a.title == title) {
                        Some(a) if title.ends_with("file") => {
                            a.diagnostics.get_or_insert_with(Vec::new).push(l.clone());
                        }
                        // The same rule twice on one line: one action.
                        Some(a) if a.edit == Some(actions::insert_edit(&uri, text, &map, enc, &ins)) => {
                            a.diagnostics.get_or_insert_with(Vec::new).push(l.clone());
                        }
                        _ => disables.push(CodeAction {
                            title,
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![l.clone()]),
                            edit: Some(actions::insert_edit(&uri, text, &map, enc, &ins)),
                            ..CodeAction::default()
                        }),
                    }
                }
            }
        }
        // Line actions before file actions.
        disables.sort_by_key(|a| a.title.ends_with("file"));
        out.extend(disables);
        if wanted(FIX_ALL) {
            let mut edits: Vec<(Span, &str)> = Vec::new();
            for (d, _) in &last.findings {
                let Some(fix) = d.fix.as_ref().filter(|f| f.applicability == Applicability::Safe) else {
                    continue;
                };
                if fix.edits.is_empty() {
                    edits.push((d.span, &fix.replacement));
                } else {
                    edits.extend(fix.edits.iter().map(|e| (e.span, e.replacement.as_str())));
                }
            }
            edits.sort_by_key(|e| (e.0.start, e.0.end));
            let mut kept: Vec<TextEdit> = Vec::new();
            let mut until = 0;
            for (span, replacement) in edits {
                if span.start < until && !kept.is_empty() {
                    continue; // overlaps the previous edit: left for the next round
                }
                until = span.end;
                kept.push(TextEdit::new(map.range(text, span, enc), replacement.to_string()));
            }
            if !kept.is_empty() {
                out.push(CodeAction {
                    title: "Apply every safe ticketlint fix".into(),
                    kind: Some(CodeActionKind::new(FIX_ALL)),
                    edit: Some(actions::edit(&uri, kept)),
                    ..CodeAction::default()
                });
            }
        }
        out.into_iter().map(CodeActionOrCommand::CodeAction).collect()
    }
}

/// Check one document. Returns its findings, and notes (config errors, skipped documents,
/// internal errors) to show at the top of the document.
fn check(
    configs: &mut Configs,
    doc: &Doc,
    uri: &Uri,
    format: InputFormat,
) -> (Vec<Diagnostic>, Vec<(Severity, String)>) {
    if doc.text.len() > MAX_CHECK_BYTES {
        return (
            Vec::new(),
            vec![(
                Severity::Info,
                format!(
                    "ticketlint: not checked: the document is {} bytes, over the {} MB limit of the language server (use `ticketlint check` on the file)",
                    doc.text.len(),
                    MAX_CHECK_BYTES / (1024 * 1024)
                ),
            )],
        );
    }
    let loaded = match configs.for_document(doc.path.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            return (
                Vec::new(),
                vec![(Severity::Error, format!("ticketlint: config error\n{e}"))],
            );
        }
    };
    let name = doc
        .path
        .as_ref()
        .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
    let name_path = doc.path.clone().unwrap_or_else(|| PathBuf::from(uri.as_str()));
    let overrides = Overrides {
        input_format: Some(format),
        ..Overrides::default()
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        walk::check_bytes(
            &loaded.engine,
            &loaded.settings,
            overrides,
            &name,
            &name_path,
            doc.text.as_bytes().to_vec(),
        )
    }));
    match result {
        Ok(checked) if !checked.text.is_empty() && checked.text != doc.text => {
            // A transfer-encoded e-mail body was checked decoded: its spans are not places in
            // the buffer. Show the findings at the top, with their place in the decoded body.
            let idx = crate::source::LineIndex::new(&checked.text);
            let mut notes = vec![(
                Severity::Info,
                "ticketlint: this message's body is encoded (quoted-printable, base64 or another charset); findings are listed here with their line:column in the decoded body".to_string(),
            )];
            notes.extend(checked.diagnostics.iter().map(|d| {
                let at = idx.line_col(&checked.text, d.span.start);
                (
                    d.severity,
                    format!("{}:{}: {} [{}]", at.line, at.column, d.message, d.rule),
                )
            }));
            (Vec::new(), notes)
        }
        Ok(checked) => {
            let notes = checked
                .notices
                .into_iter()
                .map(|n| (Severity::Info, format!("ticketlint: {n}")))
                .collect();
            (checked.diagnostics, notes)
        }
        Err(_) => {
            eprintln!("ticketlint lsp: internal error while checking {name} (see the panic above)");
            (
                Vec::new(),
                vec![(
                    Severity::Error,
                    "ticketlint: internal error while checking this document; the server log has details".into(),
                )],
            )
        }
    }
}

fn lsp_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

fn to_lsp(text: &str, map: &LineMap, enc: Encoding, d: &Diagnostic) -> lsp_types::Diagnostic {
    let message = match &d.suggestion {
        Some(s) => format!("{}\nhelp: {s}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range: map.range(text, d.span, enc),
        severity: Some(lsp_severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.clone())),
        source: Some(SOURCE.into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// How to read a document: the editor's language first (a buffer set to Markdown is Markdown
/// whatever its name), then the file extension.
pub fn input_format(path: Option<&Path>, language_id: &str) -> InputFormat {
    match language_id {
        "markdown" => InputFormat::Markdown,
        "plaintext" | "text" => InputFormat::Text,
        "html" => InputFormat::Html,
        "mail" | "email" | "eml" => InputFormat::Email,
        _ => path.map_or(InputFormat::Text, |p| InputFormat::from_path(&p.to_string_lossy())),
    }
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes (`untitled:`).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    if !s.get(..7)?.eq_ignore_ascii_case("file://") {
        return None;
    }
    let rest = &s[7..];
    // Skip the authority (empty or `localhost`); drop a query or fragment.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'%'
            && let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex),
                raw.get(i + 2).copied().and_then(hex),
            )
        {
            bytes.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = if cfg!(windows) && decoded.as_bytes().get(2) == Some(&b':') {
        decoded[1..].to_string()
    } else {
        decoded
    };
    Some(PathBuf::from(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn file_uris_become_paths() {
        let uri = Uri::from_str("file:///tmp/kb/VPN%20setup%C3%A9.md").unwrap();
        assert_eq!(file_path(&uri), Some(PathBuf::from("/tmp/kb/VPN setupé.md")));
        let host = Uri::from_str("file://localhost/tmp/a.md").unwrap();
        assert_eq!(file_path(&host), Some(PathBuf::from("/tmp/a.md")));
        assert_eq!(file_path(&Uri::from_str("untitled:Untitled-1").unwrap()), None);
    }

    #[test]
    fn language_id_beats_extension() {
        assert_eq!(
            input_format(Some(Path::new("a.txt")), "markdown"),
            InputFormat::Markdown
        );
        assert_eq!(input_format(Some(Path::new("a.md")), "vimwiki"), InputFormat::Markdown);
        assert_eq!(input_format(None, "plaintext"), InputFormat::Text);
    }
}
