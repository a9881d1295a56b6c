"""Prefect flows wrapping the periodic jobs of ``application.jobs.JOBS``, and ``prefect.yaml``.

``flows.work`` holds one flow per job (the ``flow`` entrypoints named in ``JOBS``); each
only reads the clock and the settings at the edge and calls one retried task that runs
the job function. ``cchc.deployments`` renders the root ``prefect.yaml`` from ``JOBS``,
so the embedded runner (``cchc serve``) and Prefect deployments share one schedule.
"""
