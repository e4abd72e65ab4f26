"""`make reliability`: the long runs of issue 10 (crash, load) that print their figures."""
