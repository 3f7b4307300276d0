// Tables that fit a phone: every data cell of a table with a header row gets the header of its
// column as `data-label`, and the table the class `reflow`, so that the stylesheet can show each
// row as a card of "Header: value" lines on a narrow screen (style.css) instead of a table wider
// than the screen. The HTML is the application's own (well formed, no nested tables); a table
// without a <thead> is left as it is.
#pragma once

#include <string>
#include <string_view>

namespace lenacare::webapp {

std::string ReflowTables(std::string_view html);

}  // namespace lenacare::webapp
