//! `/metrics`: Prometheus text, through the Prometheus project's Rust client. Requests by route
//! and status, upstream requests and their latency, coalesced hits, webhook events by name.
//! Labels are route templates and fixed names, never ids, tokens or text.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamLabels {
    endpoint: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    event: String,
}

type HistogramFamily = Family<EndpointLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 5 ms … ~20 s
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

/// The gateway's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RouteLabels, Counter>,
    upstream: Family<UpstreamLabels, Counter>,
    upstream_latency: HistogramFamily,
    coalesced: Counter,
    webhooks: Family<EventLabels, Counter>,
    streams: Gauge,
    stream_events: Family<EventLabels, Counter>,
}

/// Counts one open event stream while it lives.
#[derive(Debug)]
pub struct StreamGuard(Gauge);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics(..)")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// All metrics at zero.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("blinger_gateway");
        let requests = Family::<RouteLabels, Counter>::default();
        let upstream = Family::<UpstreamLabels, Counter>::default();
        let upstream_latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let coalesced = Counter::default();
        let webhooks = Family::<EventLabels, Counter>::default();
        let streams = Gauge::default();
        let stream_events = Family::<EventLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "upstream_requests",
            "Requests sent to Blinger, by endpoint and outcome (status, timeout, unreachable)",
            upstream.clone(),
        );
        registry.register(
            "upstream_request_duration_seconds",
            "Latency of requests to Blinger",
            upstream_latency.clone(),
        );
        registry.register(
            "coalesced_hits",
            "GETs answered from a shared or cached upstream answer",
            coalesced.clone(),
        );
        registry.register(
            "webhook_events",
            "Webhook events accepted, by event name (other = not a known name)",
            webhooks.clone(),
        );
        registry.register(
            "event_streams",
            "Event streams (GET /gateway/events) open now",
            streams.clone(),
        );
        registry.register(
            "stream_events",
            "Events written to event streams, by event (ready, changed, resync)",
            stream_events.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            upstream,
            upstream_latency,
            coalesced,
            webhooks,
            streams,
            stream_events,
        }
    }

    /// One answered request.
    pub fn request(&self, route: &str, status: u16) {
        self.requests
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
                status: status.to_string(),
            })
            .inc();
    }

    /// One upstream exchange.
    pub fn upstream(&self, endpoint: &str, outcome: &str, seconds: f64) {
        self.upstream
            .get_or_create(&UpstreamLabels {
                endpoint: endpoint.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        self.upstream_latency
            .get_or_create(&EndpointLabels {
                endpoint: endpoint.to_owned(),
            })
            .observe(seconds);
    }

    /// One GET served without its own upstream request.
    pub fn coalesced_hit(&self) {
        self.coalesced.inc();
    }

    /// How many coalesced hits so far.
    #[must_use]
    pub fn coalesced_hits(&self) -> u64 {
        self.coalesced.get()
    }

    /// One webhook event accepted.
    pub fn webhook(&self, event: &str) {
        self.webhooks
            .get_or_create(&EventLabels {
                event: event.to_owned(),
            })
            .inc();
    }

    /// One event stream opened; it counts until the guard is dropped.
    #[must_use]
    pub fn stream_opened(&self) -> StreamGuard {
        self.streams.inc();
        StreamGuard(self.streams.clone())
    }

    /// How many event streams are open.
    #[must_use]
    pub fn open_streams(&self) -> i64 {
        self.streams.get()
    }

    /// One event written to a stream.
    pub fn event_sent(&self, event: &str) {
        self.stream_events
            .get_or_create(&EventLabels {
                event: event.to_owned(),
            })
            .inc();
    }

    /// The text exposition.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}
