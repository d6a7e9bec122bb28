"""Reading a family's words before any backend sees them: spelling corrected, ages and places
typed in the words taken out as filters, filler words dropped, and each remaining word weighed
by how much it says. Every backend gets the same reading (``understand.py``)."""

from localoffer.search.understanding.understand import Understanding, understand

__all__ = ["Understanding", "understand"]
