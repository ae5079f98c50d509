"""What the feature store serves: the payee's view, the on-demand view and the feature service (given in lab 03).

The entities and the state views are in state.py; the payee's view (payee_view.py) and the on-demand
function (on_demand.py) are yours, and are used through their modules, so the version of them that
`feast apply` reads is the one registered. `feast apply` (in this folder) reads every .py file here.
"""

from __future__ import annotations

from feast import FeatureService, Field
from feast.on_demand_feature_view import on_demand_feature_view
from feast.types import Float64

import on_demand
import payee_view
from state import customer, customer_payee, customer_recent, device, device_first_seen, payee, payment

#: The ten behaviour features, in the order the model takes them (upi_fraud.feature_pipeline.FEATURES).
OUTPUTS = ["cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "cust_amt_1h", "cust_amt_24h", "cust_amt_7d",
           "payee_payers_24h", "amount_vs_7d_avg", "device_age_days", "new_payee"]

payee_recent = payee_view.payee_recent_view()
behaviour = on_demand_feature_view(
    sources=[customer_recent, payee_recent, customer_payee, device_first_seen, payment],
    schema=[Field(name=name, dtype=Float64) for name in OUTPUTS],
    mode="python",
)(on_demand.behaviour)

fraud_detection_v2 = FeatureService(name="fraud_detection_v2", features=[behaviour],
                                    description="Behaviour over time for the UPI fraud model (lab 03).")

ALL = [customer, payee, device, customer_recent, payee_recent, customer_payee, device_first_seen, payment,
       behaviour, fraud_detection_v2]
