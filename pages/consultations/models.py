"""Public consultations (lấy ý kiến Nhân dân): drafts, residents' comments, published results."""
