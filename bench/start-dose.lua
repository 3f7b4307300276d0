-- wrk script of bench/http: the start-dose API call, a POST with a JSON body.
wrk.method = "POST"
wrk.path = "/api/v1/start-dose"
wrk.body = '{"indication":"mm","crcl":"80"}'
wrk.headers["Content-Type"] = "application/json"
