"""What the command-line tests share: one row of coverage figures as the command prints it."""


def figures(level, needed, met, percent):
    return {"level": level, "needed": needed, "met": met, "percent": percent}
