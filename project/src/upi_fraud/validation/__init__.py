"""Validation (lab 05): the checks CI and continuous training run on data and on models.

`data_checks` judges one weekly batch (a pandera contract, null shares per app version, and your
`units.unit_change`); `behaviour` and your `direction` test a model on generated inputs, CheckList style.
The project's tests (tests/) and ct/ call them.
"""
