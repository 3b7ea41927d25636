"""Competencies: the dictionary, job competency standards (SKJ), personal profiles, gaps and the
yearly training needs analysis (AKPK). domain.md §2 and §3b."""
