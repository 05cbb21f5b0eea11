//! One HTTP response as the decoders read it: a status, the headers that matter, the body as
//! text. Whatever fetched it (the browser's `fetch`, a server's HTTP client, a test) builds one.

/// One HTTP response, body read as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers that matter here (`retry-after`, `content-type`), names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body as text (may be empty, HTML, or anything else). Empty when `unchanged`.
    pub body: String,
    /// The body was byte-identical to the last one its request's [`BodyMemo`] had decoded, so it
    /// was not handed over (nor decoded again).
    pub unchanged: bool,
}

impl HttpResponse {
    /// A response with a status and body and no headers.
    #[must_use]
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            unchanged: false,
        }
    }

    /// The value of a header (case-insensitive name).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

/// The value of the header `name` (case-insensitive) among `headers`.
#[must_use]
pub fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
