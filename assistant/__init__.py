"""pilot-assistant: retrieval-grounded drafting and review for 智能制造标准应用试点."""

__version__ = "0.1.0"
