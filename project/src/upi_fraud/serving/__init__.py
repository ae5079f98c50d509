"""Serving (lab 04): a BentoML service that scores a payment the moment the payment switch asks.

The request contract (`contract`, `request_schema`), the decision threshold (`threshold`, `calibration`),
fresh features written back to the online store (`windows`, `freshness`, `online_store`), scoring with
the champion's whole bundle (`encoder`, `scoring`), the inference log, the service itself, and
`replay`, which runs production through it. Lab 07 adds `swap` and `watcher`: the live service follows
the registry's champion alias.
"""
