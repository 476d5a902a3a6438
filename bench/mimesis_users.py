"""The `users` preset's columns with mimesis, the fast Python generator:
`python3 bench/mimesis_users.py ROWS > users.csv`."""
import csv
import sys

from mimesis import Datetime, Development, Numeric, Person
from mimesis.locales import Locale

person = Person(Locale.EN, seed=1)
numeric = Numeric(seed=1)
development = Development(seed=1)
when = Datetime(seed=1)
rows = int(sys.argv[1])
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "first_name", "last_name", "email", "username", "age", "active", "created_at"])
for i in range(rows):
    out.writerow([
        i,
        person.first_name(),
        person.last_name(),
        person.email(),
        person.username(),
        numeric.integer_number(18, 90),
        development.boolean(),
        when.datetime().isoformat(),
    ])
