#include "app/context.h"

namespace lenacare::app {

Result<Date> AsOf(const Context& ctx, const std::string& text) {
  if (text.empty()) return ctx.clock.Today();
  auto d = Date::Parse(text);
  if (!d.ok()) return d.error().Under("as_of");
  return d;
}

std::string Authority::Describe() const {
  switch (kind) {
    case Kind::kNobody:
      return "a caller who is not signed in";
    case Kind::kOperator:
      return "the command line's operator";
    case Kind::kUser:
      break;
  }
  return std::string("the ") + store::RoleName(role) + " role";
}

Status NeedStore(const Context& ctx) {
  if (ctx.store == nullptr) return Error::Failed("db", "no database is open");
  return Status::Ok();
}

}  // namespace lenacare::app
