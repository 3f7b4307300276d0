#include "app/context.h"

namespace lenacare::app {

Result<Date> AsOf(const Context& ctx, const std::string& text) {
  if (text.empty()) return ctx.clock.Today();
  auto d = Date::Parse(text);
  if (!d.ok()) return d.error().Under("as_of");
  return d;
}

Status NeedStore(const Context& ctx) {
  if (ctx.store == nullptr) return Error::Failed("db", "no database is open");
  return Status::Ok();
}

}  // namespace lenacare::app
