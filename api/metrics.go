package api

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gin-gonic/gin"

	"tian"
)

// metrics are the service's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(models tian.ModelStore, health tian.Health) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tian_http_requests_total",
		Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tian_http_request_duration_seconds",
		Help: "HTTP request latency by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, []string{"route"})
	loaded := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tian_models_loaded", Help: "Serving models (versions in tian_model_info)."},
		func() float64 { return float64(len(models.Versions())) })
	behind := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tian_index_behind_changes",
		Help: "Store changes the search index has not applied yet (0 when caught up)."},
		func() float64 { return float64(health.IndexStatus(context.Background()).Behind) })
	m.reg.MustRegister(m.requests, m.latency, loaded, behind, modelInfo{models}, prometheus.NewGoCollector())
	return m
}

func (m *metrics) observe(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

func (m *metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// modelInfo exports tian_model_info{model, version} 1 for each serving
// model, read at scrape time so that a swap shows at once.
type modelInfo struct{ models tian.ModelStore }

var modelInfoDesc = prometheus.NewDesc("tian_model_info", "The serving model versions.", []string{"model", "version"}, nil)

func (mi modelInfo) Describe(ch chan<- *prometheus.Desc) { ch <- modelInfoDesc }

func (mi modelInfo) Collect(ch chan<- prometheus.Metric) {
	for name, v := range mi.models.Versions() {
		ch <- prometheus.MustNewConstMetric(modelInfoDesc, prometheus.GaugeValue, 1, name, v)
	}
}
