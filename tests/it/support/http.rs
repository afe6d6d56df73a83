//! A real HTTP/1.1 server on 127.0.0.1 for the http feedback sink: a thread accepting one
//! request per connection, answering from a script (a status and body, a hang past the
//! client's timeout, or closing the listener so the port refuses connections), and recording
//! every request it read (method, path, headers, body).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Answer with this status and body.
    Status(u16, &'static str),
    /// Read the request, then say nothing for this long.
    Hang(Duration),
    /// Answer 200, then close the listener: later connections are refused.
    OkThenDie,
}

/// One request the server read.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// The server. Answers follow the script in order; after it, every request gets the last
/// answer (200 when the script is empty).
pub struct HttpServer {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    _thread: JoinHandle<()>,
}

impl HttpServer {
    pub fn start(script: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            let mut n = 0;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let answer = script
                    .get(n)
                    .or(script.last())
                    .cloned()
                    .unwrap_or(Answer::Status(200, "{}"));
                n += 1;
                let die = matches!(answer, Answer::OkThenDie);
                if let Some(request) = serve(stream, &answer) {
                    seen.lock().expect("lock").push(request);
                }
                if die {
                    return; // the listener is dropped: the port refuses from now on
                }
            }
        });
        HttpServer {
            port,
            requests,
            _thread: thread,
        }
    }

    /// A port nothing listens on.
    pub fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/items", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }

    /// The ids of the items received, in order.
    pub fn ids(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.json()["id"].as_str().expect("id").to_string())
            .collect()
    }
}

fn serve(stream: TcpStream, answer: &Answer) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    let request = Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let mut stream = stream;
    match answer {
        Answer::Hang(d) => std::thread::sleep(*d),
        Answer::Status(code, text) => respond(&mut stream, *code, text),
        Answer::OkThenDie => respond(&mut stream, 200, "{}"),
    }
    Some(request)
}

fn respond(stream: &mut TcpStream, code: u16, body: &str) {
    let reason = match code {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}
