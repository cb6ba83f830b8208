from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("national/", views.national_queue, name="national_queue"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path("<int:pk>/agenda/", views.session_agenda, name="agenda"),
    path("<int:pk>/items/<int:item_id>/", views.item_record, name="item"),
    path("<int:pk>/items/<int:item_id>/correct/", views.item_correct, name="item_correct"),
    path("<int:pk>/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/close/", views.session_close, name="close"),
    path("<int:pk>/batch/", views.session_batch, name="batch"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/signed/", views.minutes_signed, name="minutes_signed"),
]
