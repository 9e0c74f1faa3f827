# Fails when a user-visible string in the GUI sources (and CORE_SOURCES: core files that build
# text for the monitor with tr()) has no finished German translation.
# lupdate runs on a scratch copy, so the committed .ts file is only read.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
configure_file("${TS}" "${WORK}/check.ts" COPYONLY)
execute_process(COMMAND "${LUPDATE}" "${SOURCES}" ${CORE_SOURCES} -ts "${WORK}/check.ts" -no-obsolete -locations none
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "lupdate failed: ${output}")
endif()
message(STATUS "${output}")
file(READ "${WORK}/check.ts" content)
string(REGEX MATCHALL "<message[^>]*>[ \t\r\n]*<source>[^<]*</source>[ \t\r\n]*<translation type=\"unfinished\"" unfinished "${content}")
list(LENGTH unfinished count)
string(REGEX MATCHALL "<source>" sources "${content}")
list(LENGTH sources total)
if(total LESS 50)
    message(FATAL_ERROR "only ${total} source strings found in ${SOURCES}: is lupdate reading the right folder?")
endif()
if(count GREATER 0)
    message(FATAL_ERROR "${count} of ${total} strings have no German translation:\n${unfinished}\n"
                        "Run the openautomate-gui_lupdate target, add the German text to translations/fill_de.py, and run it.")
endif()
message(STATUS "all ${total} strings are translated")
