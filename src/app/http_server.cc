#include "app/http_server.h"

// <utility> must precede the Asio headers RESTinio includes (std::exchange), so these two are
// kept in this order by hand.
// clang-format off
#include <utility>
#include <restinio/all.hpp>
// clang-format on
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace aegis::app {
namespace {

using traits_t = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;

const char* ContentType(const std::string& ext) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// Loads and caches files of the built UI. Only files below the root are ever served.
class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}

  bool Get(std::string path, std::string* body, std::string* type, bool* immutable) {
    if (root_.empty()) return false;
    if (path.empty() || path == "/") path = "/index.html";
    if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
        path.find('\0') != std::string::npos)
      return false;
    std::filesystem::path file = std::filesystem::path(root_) / path.substr(1);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      // Client-side routes (no extension) get the app shell.
      if (std::filesystem::path(path).has_extension()) return false;
      file = std::filesystem::path(root_) / "index.html";
      path = "/index.html";
    }
    {
      std::lock_guard lock(mu_);
      auto it = cache_.find(path);
      if (it != cache_.end()) {
        *body = it->second;
      } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) return false;
        std::ostringstream ss;
        ss << in.rdbuf();
        *body = ss.str();
        cache_[path] = *body;
      }
    }
    *type = ContentType(std::filesystem::path(path).extension().string());
    *immutable = path.rfind("/assets/", 0) == 0;  // Vite's content-hashed files
    return true;
  }

 private:
  std::string root_;
  std::mutex mu_;
  std::map<std::string, std::string> cache_;
};

template <typename Builder>
void SecurityHeaders(Builder& b) {
  b.append_header("X-Content-Type-Options", "nosniff");
  b.append_header("Referrer-Policy", "no-referrer");
  b.append_header("X-Frame-Options", "DENY");
  b.append_header("Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                  "connect-src 'self'; frame-ancestors 'none'");
}

}  // namespace

Status RunServer(api::Api& api, const ServerOptions& options) {
  StaticFiles files(options.web_root);
  auto handler = [&](restinio::request_handle_t req) -> restinio::request_handling_status_t {
    const std::string target(req->header().request_target());
    const auto method = req->header().method();
    if (target.rfind("/api/", 0) == 0 || target == "/api") {
      api::Request in;
      in.method = std::string(method.c_str());
      in.target = target;
      in.body = req->body();
      in.content_type = req->header().get_field_or(restinio::http_field::content_type, "");
      in.authorization = req->header().get_field_or(restinio::http_field::authorization, "");
      in.cookie = req->header().get_field_or(restinio::http_field::cookie, "");
      in.remote = req->remote_endpoint().address().to_string();
      in.purpose = req->header().get_field_or("X-Aegis-Purpose", "");
      api::Response out = api.Handle(in);
      auto resp = req->create_response(restinio::http_status_line_t{
          restinio::http_status_code_t{static_cast<std::uint16_t>(out.status)}, ""});
      resp.append_header(restinio::http_field::content_type, out.content_type);
      SecurityHeaders(resp);
      for (auto& [k, v] : out.headers) resp.append_header(k, v);
      resp.set_body(std::move(out.body));
      return resp.done();
    }
    if (method != restinio::http_method_get() && method != restinio::http_method_head())
      return req->create_response(restinio::status_method_not_allowed()).connection_close().done();
    std::string path = target.substr(0, target.find('?'));
    std::string body, type;
    bool immutable = false;
    if (!files.Get(path, &body, &type, &immutable)) {
      auto resp = req->create_response(restinio::status_not_found());
      resp.append_header(restinio::http_field::content_type, "text/plain; charset=utf-8");
      resp.set_body("not found\n");
      return resp.done();
    }
    auto resp = req->create_response();
    resp.append_header(restinio::http_field::content_type, type);
    resp.append_header("Cache-Control",
                       immutable ? "public, max-age=31536000, immutable" : "no-cache");
    SecurityHeaders(resp);
    resp.set_body(std::move(body));
    return resp.done();
  };

  restinio::asio_ns::io_context io;
  using server_t = restinio::http_server_t<traits_t>;
  restinio::server_settings_t<traits_t> settings;
  settings.port(options.port)
      .address(options.host)
      .request_handler(handler)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(4u << 20))
      .read_next_http_message_timelimit(std::chrono::seconds(60))
      .handle_request_timeout(std::chrono::seconds(30));
  server_t server{restinio::external_io_context(io), std::move(settings)};

  std::exception_ptr failure;
  restinio::asio_ns::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const restinio::asio_ns::error_code& ec, int) {
    if (!ec) {
      spdlog::info("shutting down");
      server.close_async([&] { io.stop(); },
                         [&](std::exception_ptr ex) {
                           failure = ex;
                           io.stop();
                         });
    }
  });
  server.open_async(
      [&] { spdlog::info("Aegis is serving on http://{}:{}/", options.host, options.port); },
      [&](std::exception_ptr ex) {
        failure = ex;
        io.stop();
      });
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, options.threads); ++i) threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return Status(StatusCode::kUnavailable, std::string("server failed: ") + e.what());
    }
  }
  return Status::Ok();
}

}  // namespace aegis::app
