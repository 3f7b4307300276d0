// The web application's request handling without sockets: what one start-dose API request costs
// in the handler (bench/http measures it over HTTP against nginx). Google Benchmark, one core.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "http/message.h"
#include "knowledge/loader.h"
#include "store/store.h"
#include "webapp/app.h"

namespace {

using namespace lenacare;

struct Fixture {
  FixedClock clock{Date::FromCivil(2026, 11, 23)};
  Knowledge k;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<webapp::WebApp> app;
  std::string dir;
  Fixture() {
    k = std::move(LoadKnowledge(LENACARE_BENCH_KNOWLEDGE_DIR, "us")).value();
    char tmpl[] = "/tmp/lenacare-webbench-XXXXXX";
    dir = mkdtemp(tmpl);
    store = std::move(store::Store::Open(dir + "/bench.db", clock)).value();
    webapp::SiteOptions o;
    o.web_dir = LENACARE_BENCH_WEB_DIR;
    o.pages_dir = std::string(LENACARE_BENCH_KNOWLEDGE_DIR) + "/pages";
    app = std::move(webapp::WebApp::Create(k, *store, clock, o)).value();
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& F() {
  static Fixture f;
  return f;
}

http::Request Post(const std::string& path, const std::string& body) {
  http::Request r;
  r.method = "POST";
  r.target = r.path = path;
  r.body = body;
  r.headers["content-type"] = "application/json";
  r.headers["host"] = "127.0.0.1";
  r.remote = "127.0.0.1";
  return r;
}

void BM_StartDoseApi(benchmark::State& state) {
  const http::Request req = Post("/api/v1/start-dose", R"({"indication":"mm","crcl":"80"})");
  for (auto _ : state) {
    http::Response r = F().app->Handle(req);
    benchmark::DoNotOptimize(r.body.data());
  }
}
BENCHMARK(BM_StartDoseApi);

void BM_StyleSheet(benchmark::State& state) {
  http::Request req;
  req.method = "GET";
  req.target = req.path = "/static/style.css";
  for (auto _ : state) {
    http::Response r = F().app->Handle(req);
    benchmark::DoNotOptimize(r.body.data());
  }
}
BENCHMARK(BM_StyleSheet);

}  // namespace

BENCHMARK_MAIN();
