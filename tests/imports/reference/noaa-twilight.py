"""
Writes noaa-twilight.csv: civil dawn and dusk (the sun's centre 6 degrees below the
horizon, geometric: no refraction, the USNO definition) at London, Edinburgh and Lerwick,
from the NOAA solar equations (the NOAA Solar Calculator's, after Meeus, "Astronomical
Algorithms", ch. 25; as in the astral library's time_of_transit without refraction), each
event's time found by iterating the equations at that time until it stops moving.

Run from this folder with Debian 12's python3 (nothing else is needed):
    python3 noaa-twilight.py > noaa-twilight.csv
"""
import datetime
from math import acos, asin, cos, degrees, floor, radians, sin, tan
from zoneinfo import ZoneInfo

PLACES = {"London": (51.5074, -0.1278), "Edinburgh": (55.9533, -3.1883), "Lerwick": (60.1546, -1.1494)}
LONDON = ZoneInfo("Europe/London")


def julian_day(date):
    y, m, d = date.year, date.month, date.day
    if m <= 2:
        y, m = y - 1, m + 12
    a = floor(y / 100)
    return floor(365.25 * (y + 4716)) + floor(30.6001 * (m + 1)) + d + 2 - a + floor(a / 4) - 1524.5


def sun(t):
    """Declination (degrees) and equation of time (minutes) at Julian century t."""
    l0 = (280.46646 + t * (36000.76983 + 0.0003032 * t)) % 360
    m = 357.52911 + t * (35999.05029 - 0.0001537 * t)
    e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
    c = (sin(radians(m)) * (1.914602 - t * (0.004817 + 0.000014 * t))
         + sin(radians(2 * m)) * (0.019993 - 0.000101 * t) + sin(radians(3 * m)) * 0.000289)
    omega = 125.04 - 1934.136 * t
    apparent = l0 + c - 0.00569 - 0.00478 * sin(radians(omega))
    seconds = 21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))
    obliquity = 23 + (26 + seconds / 60) / 60 + 0.00256 * cos(radians(omega))
    declination = degrees(asin(sin(radians(obliquity)) * sin(radians(apparent))))
    y = tan(radians(obliquity) / 2) ** 2
    eqtime = 4 * degrees(y * sin(2 * radians(l0)) - 2 * e * sin(radians(m)) + 4 * e * y * sin(radians(m)) * cos(2 * radians(l0))
                         - 0.5 * y * y * sin(4 * radians(l0)) - 1.25 * e * e * sin(2 * radians(m)))
    return declination, eqtime


def civil(date, latitude, longitude, rising):
    """UTC instant of civil dawn (rising) or dusk on `date`."""
    jd = julian_day(date)
    minutes = 720.0
    for _ in range(20):
        declination, eqtime = sun((jd + minutes / 1440 - 2451545.0) / 36525.0)
        h = (cos(radians(96)) - sin(radians(latitude)) * sin(radians(declination))) / (cos(radians(latitude)) * cos(radians(declination)))
        hour_angle = degrees(acos(h)) * (1 if rising else -1)
        minutes = 720 + 4 * (-longitude - hour_angle) - eqtime
    return datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def dates():
    """Every 7th day of 2026, the clock changes of 2026 and 2027 with the days either side, the solstices."""
    picked = {datetime.date(2026, 1, 1) + datetime.timedelta(days=7 * k) for k in range(53)}
    for change in (datetime.date(2026, 3, 29), datetime.date(2026, 10, 25), datetime.date(2027, 3, 28), datetime.date(2027, 10, 31)):
        picked |= {change + datetime.timedelta(days=d) for d in (-1, 0, 1)}
    picked |= {datetime.date(2026, 6, 21), datetime.date(2026, 12, 21)}
    return sorted(picked)


print("# " + "python3 noaa-twilight.py > noaa-twilight.csv (NOAA solar equations; see the script)")
print("place,latitude,longitude,date,dawn_utc,dusk_utc,dawn_london,dusk_london")
for place, (lat, lon) in PLACES.items():
    for date in dates():
        dawn, dusk = civil(date, lat, lon, True), civil(date, lat, lon, False)
        local = lambda t: t.astimezone(LONDON).strftime("%H:%M:%S%z")
        print(f"{place},{lat},{lon},{date.isoformat()},{dawn.isoformat(timespec='milliseconds')},{dusk.isoformat(timespec='milliseconds')},{local(dawn)},{local(dusk)}")
