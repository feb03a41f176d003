"""Rehab strength dashboard: assessments, progressive loading and progress reports for neuro rehab."""

__version__ = "0.1.0"
