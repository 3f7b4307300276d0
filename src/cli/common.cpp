#include "cli/common.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "cli/render.h"
#include "course/course_json.h"
#include "knowledge/loader.h"

namespace lenacare::cli {

using nlohmann::json;

json ErrorJson(const Error& e) {
  const char* kind = e.kind == ErrorKind::kCannotAssess ? "cannot-assess"
                     : e.kind == ErrorKind::kFailed     ? "failed"
                                                        : "bad-input";
  return json{{"error", {{"kind", kind}, {"field", e.field}, {"message", e.message}}}};
}

int Fail(const Error& e, const Options& o) {
  int code = kBadInput;
  if (e.kind == ErrorKind::kCannotAssess) code = kCannotAssess;
  if (e.kind == ErrorKind::kFailed) code = kFailed;
  if (o.reply != nullptr) {
    *o.reply = Reply{code, ErrorJson(e), e.Describe(), e};
    return code;
  }
  std::cerr << "lenacare: " << (e.kind == ErrorKind::kCannotAssess ? "cannot assess: " : "error: ") << e.Describe()
            << "\n";
  if (o.json) std::cout << ErrorJson(e).dump(2) << "\n";
  return code;
}

int Emit(const Options& o, json j, std::string text, int code) {
  if (o.reply != nullptr) {
    *o.reply = Reply{code, std::move(j), std::move(text), std::nullopt};
    return code;
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << text << "\n" << kDisclaimer << "\n";
  }
  return code;
}

std::string DataDir(const char* env_var, const char* name, const std::string& built_in) {
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') return env;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "lenacare" / name;
    if (fs::is_directory(installed)) return installed.string();
  }
  return built_in;
}

std::string KnowledgeDir(const Options& o) {
  if (!o.knowledge_dir.empty()) return o.knowledge_dir;
  return DataDir("LENACARE_KNOWLEDGE", "knowledge", LENACARE_DEFAULT_KNOWLEDGE);
}

Result<const Knowledge*> Load(const Options& o) {
  if (o.knowledge != nullptr) return o.knowledge;
  // The command line runs one command per process; `knowledge check` may load a second directory.
  static std::vector<std::unique_ptr<Knowledge>> loaded;
  auto k = LoadKnowledge(KnowledgeDir(o), o.pack);
  if (!k.ok()) {
    Error e = k.error();
    e.message = "knowledge base refused: " + e.message;
    return e;
  }
  loaded.push_back(std::make_unique<Knowledge>(std::move(k).value()));
  return static_cast<const Knowledge*>(loaded.back().get());
}

Result<Date> Today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  return Date::FromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

Result<Date> DateOption(const std::string& text, const std::string& option) {
  auto d = Date::Parse(text);
  if (!d.ok()) return d.error().Under(option);
  return d;
}

Result<std::string> ReadInput(const Options& o, const std::string& path) {
  if (o.input != nullptr) {
    if (path == "-") return *o.input;
    return Error::BadInput("", "files are not read for a network request: send the JSON in the request");
  }
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path);
  if (!in) return Error::BadInput("course", "cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<CourseAsOf> ReadCourse(const Knowledge& k, const Options& o, bool allow_before_start) {
  auto text = ReadInput(o, o.course_file);
  if (!text.ok()) return text.error();
  auto course = ParseCourseJson(k, *text);
  if (!course.ok()) return course.error();
  auto as_of = o.as_of.empty() ? Today() : DateOption(o.as_of, "--as-of");
  if (!as_of.ok()) return as_of.error();
  Status s = CheckEventsUpTo(*course, *as_of, allow_before_start);
  if (!s.ok()) return s.error();
  return CourseAsOf{std::move(course).value(), *as_of};
}

}  // namespace lenacare::cli
