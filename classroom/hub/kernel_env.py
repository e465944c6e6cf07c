"""The environment of every student's server and kernels on the course hub; `make class-load` measures with it.

classroom/hub/Dockerfile and z2jh-values.yaml repeat these settings for a container image and Kubernetes
(tests/test_hub_env.py checks that they agree).
"""

KERNEL_ENV = {
    # One thread per kernel: thirty kernels with one thread per core each would fight over the cores.
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    # glibc's allocator. Blocks of 16 MiB and more (a data set as floats, a big evaluation batch) get a mapping of
    # their own, given back to the system when freed; by default glibc raises that threshold after every such free
    # and from then on keeps freed data sets in the heap (lesson 08: 0.61 GB per additional student, 0.54 with this).
    # The heap keeps up to 32 MiB free at its top, so that it does not shrink and regrow on every minibatch
    # (with the default 128 KiB lesson 10 ran 18% slower).
    "MALLOC_MMAP_THRESHOLD_": str(16 * 2**20),
    "MALLOC_TRIM_THRESHOLD_": str(32 * 2**20),
}
