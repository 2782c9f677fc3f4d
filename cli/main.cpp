// vanderpool: the command-line front end.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "vp_version.h"

namespace {
// Exit statuses shared by every subcommand (documented in README.md).
constexpr int kExitUsage = 2;
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Vanderpool: a deterministic x86-64 emulator with a faithful Intel VT-x model", "vanderpool"};
  app.set_version_flag("--version", std::string("vanderpool ") + VP_VERSION);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
  }
  return 0;
}
