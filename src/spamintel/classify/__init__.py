"""Classify stage: spam/ham score and verdict, spam category, phishing, malware and
malicious links, from a compiled linear model plus rules an analyst can edit."""

from spamintel.classify.categories import CATEGORY_IDS, CategoryRules
from spamintel.classify.linear import LinearModel
from spamintel.classify.stage import Classifier, classify
from spamintel.config import ClassifyConfig

__all__ = ["CATEGORY_IDS", "CategoryRules", "Classifier", "ClassifyConfig", "LinearModel",
           "classify"]
