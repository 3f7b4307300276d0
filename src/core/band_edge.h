// Comparisons at the edge of a clinical band. Thresholds and values pass through unit conversions
// and products of decimals (1.5 x 1.2 is 1.7999999999999998; 32 g/L x 0.1 is not exactly 3.2 g/dL),
// so a value exactly on an edge is compared with a small relative tolerance and falls where the
// criteria put it.
#pragma once

#include <algorithm>
#include <cmath>

namespace lenacare::band_edge {

inline double Tolerance(double edge) { return 1e-9 * std::max(1.0, std::abs(edge)); }
inline bool Above(double v, double edge) { return v > edge + Tolerance(edge); }
inline bool AtMost(double v, double edge) { return v <= edge + Tolerance(edge); }
inline bool AtLeast(double v, double edge) { return v >= edge - Tolerance(edge); }
inline bool Below(double v, double edge) { return v < edge - Tolerance(edge); }

}  // namespace lenacare::band_edge
