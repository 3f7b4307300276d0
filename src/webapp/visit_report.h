// The visit report on the web (app/visit_report.h): a printable page and the same content as a PDF
// (report_pdf.h), for the patient (/me/report), a caregiver (/care/{ref}/report) and the care team
// (/patients/{ref}/report); `.pdf` after the path gives the PDF.
#pragma once

#include <string>

#include "http/message.h"
#include "webapp/caller.h"
#include "webapp/site.h"

namespace lenacare::webapp {

// `base` is where the page's links point ("/me", "/care/REF", "/patients/REF").
http::Response VisitReportResponse(Site& site, const http::Request& req, const Caller& caller, const std::string& ref,
                                   const std::string& base, bool pdf);

}  // namespace lenacare::webapp
