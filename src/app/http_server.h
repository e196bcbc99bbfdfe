// Serves the API and the built web UI over HTTP. The only place that includes RESTinio (it takes
// ~30 s and ~700 MB to compile), so nothing else recompiles it.
#pragma once

#include <string>

#include "api/api.h"

namespace aegis::app {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string web_root;  // directory with the built UI (index.html); empty: API only
  int threads = 2;
};

// Runs until SIGINT or SIGTERM. Returns a non-OK status if the port cannot be opened.
Status RunServer(api::Api& api, const ServerOptions& options);

}  // namespace aegis::app
