"""Task backends for tests."""

from django_tasks.backends.immediate import ImmediateBackend


class ImmediateExceptRenditions(ImmediateBackend):
    """Runs every task at once, as the default setup does, except the theme renditions task, left queued.

    For tests about files leaving storage (Wagtail deletes them through a task) on copies of images whose
    renditions the test template never made: making 41 renditions per image is the media tests' business.
    """

    def _execute_task(self, task_result) -> None:
        if task_result.task.module_path == "media.tasks.generate_theme_renditions":
            return
        super()._execute_task(task_result)
