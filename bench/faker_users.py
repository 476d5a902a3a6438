"""The `users` preset's columns with Faker, the generator Python users reach
for first: `python3 bench/faker_users.py ROWS > users.csv`."""
import csv
import sys

from faker import Faker

fake = Faker()
Faker.seed(1)
rows = int(sys.argv[1])
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "first_name", "last_name", "email", "username", "age", "active", "created_at"])
for i in range(rows):
    out.writerow([
        i,
        fake.first_name(),
        fake.last_name(),
        fake.email(),
        fake.user_name(),
        fake.random_int(18, 90),
        fake.boolean(),
        fake.iso8601(),
    ])
