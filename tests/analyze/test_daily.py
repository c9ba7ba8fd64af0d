import numpy as np

from spamintel.analyze.daily import select_sensors


def test_a_sensor_with_a_biased_view_of_a_family_is_left_out():
    e = np.array([[1.8], [1.2], [0.7]]) * np.ones((3, 30))
    n = np.vstack([np.full(30, 180.0), np.full(30, 36.0), np.full(30, 70.0)])
    assert select_sensors(n, e).tolist() == [True, False, True]


def test_agreeing_sensors_are_all_kept_and_two_are_never_judged():
    e = np.array([[1.8], [1.2], [0.7]]) * np.ones((3, 30))
    n = e * 100
    assert select_sensors(n, e).all()
    assert select_sensors(np.array([[100.0], [10.0]]), np.ones((2, 1))).all()


def test_a_sensor_that_never_sees_a_series_is_the_one_left_out():
    e = np.array([[1.0], [1.0], [1.0], [0.5]]) * np.ones((4, 30))
    n = np.vstack([np.full(30, 100.0), np.zeros(30), np.full(30, 100.0), np.full(30, 50.0)])
    assert select_sensors(n, e).tolist() == [True, False, True, True]
    n[0] *= 2
    assert select_sensors(n, e).tolist() == [False, False, True, True]
