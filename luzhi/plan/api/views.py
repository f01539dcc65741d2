from rest_framework import viewsets

from luzhi.plan.models import Assignment, Plan, Section, Target, Task


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.all()


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Section.objects.all()


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Task.objects.all()


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Assignment.objects.all()


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Target.objects.all()
