#!/bin/sh
# The tracking server and registry the team shares (lab 07): PostgreSQL for runs and the registry, object storage
# for artifacts. Clients change one variable: MLFLOW_TRACKING_URI=https://mlflow.internal.example.in
# (upi-train, upi-ct, the service and upi-monitor read it; nothing else changes).
exec mlflow server \
  --backend-store-uri "postgresql+psycopg2://mlflow:${MLFLOW_DB_PASSWORD}@mlflow-db:5432/mlflow" \
  --artifacts-destination "s3://upi-fraud-mlflow/artifacts" \
  --host 0.0.0.0 --port 5000 --workers 4