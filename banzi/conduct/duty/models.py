"""Models of overnight duty and attendance (imported into `banzi.conduct.models`)."""
